import FuzzSupport

@testable import WhatsAppCloud

/// `X-Hub-Signature-256` parsing and verification (`Webhook/WebhookSignature.swift`) and the
/// `fcb verify-signature` diagnosis (`Webhook/SignatureDiagnosis.swift`).
/// Input layout: `header \0 secret \0 body` (missing parts are empty). Invariants: the header
/// fcb itself produces always verifies, and a verification is valid only for a candidate
/// equal to the real MAC.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let parts = bytes.split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false)
    let header = String(decoding: parts[0], as: UTF8.self)
    let secret = parts.count > 1 ? String(decoding: parts[1], as: UTF8.self) : "s3cret"
    let body = parts.count > 2 ? Array(parts[2]) : []

    let candidates = WebhookSignature.candidates(in: header)
    let verification = WebhookSignature.verify(body: body, secret: secret, header: header)
    if case .valid(let index) = verification {
        precondition(candidates.indices.contains(index), "valid candidate index out of range")
        precondition(Hex.encode(candidates[index]) == WebhookSignature.hex(body: body, secret: secret), "accepted a wrong digest")
    }
    if !secret.isEmpty {
        let own = WebhookSignature.header(body: body, secret: secret)
        precondition(WebhookSignature.verify(body: body, secret: secret, header: own).isValid, "own signature rejected")
        precondition(WebhookSignature.verify(body: body, secret: secret, header: header + "," + own).isValid, "own signature rejected after a prefix")
    }
    // The diagnosis re-signs many variants of the body; keep the inputs small for speed.
    if size <= 512 {
        let diagnosis = SignatureDiagnosis(body: body, secret: secret, header: header)
        precondition(diagnosis.isValid == verification.isValid, "diagnosis disagrees with verify")
    }
    return 0
}

// `<module>_main`: SwiftPM's entry point for this executable, handed to libFuzzer (FuzzSupport).
@_cdecl("FuzzSignature_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzz)
}
