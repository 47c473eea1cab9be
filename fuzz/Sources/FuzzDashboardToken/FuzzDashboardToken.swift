import Foundation
import FuzzSupport

@testable import FCBRealtime

/// The dashboard's HS256 token verifier (`Realtime/Auth/DashboardToken.swift`), as the
/// Socket.IO handshake uses it. First byte even: the rest is a raw token (segment splitting,
/// base64url, header checks, signature). First byte odd: the rest is `header-JSON \0
/// payload-JSON`, signed with the verifier's secret, so the claim checks after the signature
/// (exp/nbf/iat arithmetic, userId/sub) are reached too. Errors are fine; crashes are not.
let verifier = DashboardTokenVerifier(secret: "fuzz-secret", clock: { Date(timeIntervalSince1970: 1_800_000_000) })

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let rest = Array(bytes.dropFirst())
    let token: String
    if bytes[0] & 1 == 0 {
        token = String(decoding: rest, as: UTF8.self)
    } else {
        let parts = rest.split(separator: 0, maxSplits: 1, omittingEmptySubsequences: false)
        let header = String(decoding: parts[0], as: UTF8.self)
        let payload = parts.count > 1 ? String(decoding: parts[1], as: UTF8.self) : "{\"userId\":\"u\"}"
        token = DashboardTokenVerifier.sign(header: header, payload: payload, secret: "fuzz-secret")
    }
    do {
        let claims = try verifier.verify(token)
        precondition(!claims.userId.isEmpty, "accepted a token without a user id")
    } catch {
        _ = error.description
    }
    return 0
}

// `<module>_main`: SwiftPM's entry point for this executable, handed to libFuzzer (FuzzSupport).
@_cdecl("FuzzDashboardToken_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzz)
}
