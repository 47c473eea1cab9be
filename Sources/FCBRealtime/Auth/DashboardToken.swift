import Crypto
import FCBSupport
import FlowEngine
import Foundation

/// Verifies the dashboard's HS256 JSON Web Tokens (Socket.IO auth when `JWT_SECRET` is set;
/// docs/compatibility.md#dashboard-token). Written on swift-crypto rather than jwt-kit because
/// jwt-kit traps on HMAC secrets under 32 bytes in debug builds, and the dashboard's secrets may
/// be that short.
///
/// Checks, in order (the signature is checked before the payload is even decoded, so unsigned
/// bytes are never interpreted beyond the header):
/// 1. the token is at most ``maxTokenBytes`` and has exactly three `.`-separated segments;
/// 2. each segment is unpadded base64url (RFC 7515 §2: `jsonwebtoken` never pads, and one
///    canonical spelling per token keeps signatures non-malleable), so `=` is rejected;
/// 3. the header is a JSON object with `alg` exactly `"HS256"` and `typ`, when present, `"JWT"`
///    in any case;
/// 4. the signature is HMAC-SHA256 of `header.payload` with the UTF-8 bytes of the secret
///    (what Node's `jsonwebtoken` does with a string secret), compared in constant time;
/// 5. the payload is a JSON object; `exp`, `nbf`, `iat` when present are numbers and hold with
///    ``leeway`` as `jsonwebtoken` judges them; `userId` (or else `sub`) is a non-empty string.
package struct DashboardTokenVerifier: Sendable {
    /// Tokens longer than this (UTF-8 bytes) are refused before any decoding: the dashboard's
    /// tokens are a few hundred bytes, and the cap bounds the work an anonymous client can cause.
    package static let maxTokenBytes = 8 * 1024

    private let secret: [UInt8]
    private let clock: @Sendable () -> Date
    package let leeway: TimeInterval

    /// `clock` is `@Sendable` so the verifier can be shared by every connection's task.
    package init(secret: String, clock: @escaping @Sendable () -> Date = { Date() }, leeway: TimeInterval = 30) {
        self.secret = Array(secret.utf8)
        self.clock = clock
        self.leeway = leeway
    }

    package func verify(_ token: String) throws(DashboardTokenError) -> DashboardClaims {
        // An unconfigured secret must not accept tokens signed with "".
        if secret.isEmpty { throw .emptySecret }
        let bytes = Array(token.utf8)
        if bytes.count > Self.maxTokenBytes { throw .tooLarge(bytes: bytes.count, limit: Self.maxTokenBytes) }
        let segments = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard segments.count == 3 else { throw .malformed(segments: segments.count) }

        guard let headerBytes = Base64URL.decode(segments[0]) else { throw .badBase64(segment: 1) }
        let header = try Self.object(headerBytes, part: .header)
        try Self.checkHeader(header)

        guard let signature = Base64URL.decode(segments[2]) else { throw .badBase64(segment: 3) }
        let signingInput = Array(bytes[bytes.startIndex..<segments[1].endIndex])
        let mac = HMAC<SHA256>.authenticationCode(for: signingInput, using: SymmetricKey(data: secret))
        // swift-crypto's `==` between a MAC and bytes is constant time; the length is public.
        guard signature.count == SHA256.byteCount, mac == signature else { throw .badSignature }

        guard let payloadBytes = Base64URL.decode(segments[1]) else { throw .badBase64(segment: 2) }
        let payload = try Self.object(payloadBytes, part: .payload)
        return try claims(payload)
    }

    enum Part: String { case header, payload }

    private static func object(_ bytes: [UInt8], part: Part) throws(DashboardTokenError) -> JSONObject {
        let value: JSONValue
        do throws(JSONSyntaxError) {
            // Shallow documents only: a token has no business nesting deeply.
            value = try JSONParser(maxDepth: 32).parse(bytes).jsonValue
        } catch {
            throw part == .header ? .headerNotJSON(reason: error.message) : .payloadNotJSON(reason: error.message)
        }
        guard let object = value.objectValue else {
            let reason = "expected an object, found \(value.typeName)"
            throw part == .header ? .headerNotJSON(reason: reason) : .payloadNotJSON(reason: reason)
        }
        return object
    }

    private static func checkHeader(_ header: JSONObject) throws(DashboardTokenError) {
        guard let alg = header["alg"] else { throw .missingAlgorithm }
        guard let name = alg.stringValue else { throw .wrongHeaderType(field: "alg", expected: "string", found: alg.typeName) }
        // Exactly "HS256": `none`, other HMAC sizes and asymmetric algorithms are all refused,
        // so an attacker cannot pick how the signature is judged.
        guard name == "HS256" else { throw .unsupportedAlgorithm(name) }
        if let typ = header["typ"] {
            guard let type = typ.stringValue else { throw .wrongHeaderType(field: "typ", expected: "string", found: typ.typeName) }
            guard type.lowercased() == "jwt" else { throw .unsupportedType(type) }
        }
    }

    private func claims(_ payload: JSONObject) throws(DashboardTokenError) -> DashboardClaims {
        let exp = try Self.numericDate(payload, "exp")
        let nbf = try Self.numericDate(payload, "nbf")
        let iat = try Self.numericDate(payload, "iat")
        // `jsonwebtoken` compares against whole seconds (`Math.floor(Date.now() / 1000)`); doing
        // the same keeps the two sides agreeing at the leeway edges.
        let now = clock().timeIntervalSince1970.rounded(.down)
        if let exp, now >= exp + leeway { throw .expired(at: Date(timeIntervalSince1970: exp)) }
        if let nbf, nbf > now + leeway { throw .notYetValid(until: Date(timeIntervalSince1970: nbf)) }
        if let iat, iat > now + leeway { throw .issuedInFuture(at: Date(timeIntervalSince1970: iat)) }

        let subject = try Self.string(payload, "sub")
        let userId: String
        if payload["userId"] != nil {
            userId = try Self.string(payload, "userId") ?? ""
        } else {
            userId = subject ?? ""
        }
        if userId.isEmpty { throw .missingUserId }
        return DashboardClaims(
            userId: userId, subject: subject, expiresAt: exp.map(Date.init(timeIntervalSince1970:)),
            notBefore: nbf.map(Date.init(timeIntervalSince1970:)), issuedAt: iat.map(Date.init(timeIntervalSince1970:)), all: payload)
    }

    /// A NumericDate (RFC 7519 §2): seconds since the epoch, fractions allowed. JSON `null` counts
    /// as a wrong type, not as absent, so `"exp": null` cannot switch expiry off.
    private static func numericDate(_ payload: JSONObject, _ name: String) throws(DashboardTokenError) -> Double? {
        guard let value = payload[name] else { return nil }
        guard let number = value.numberValue, number.isFinite else {
            throw .wrongClaimType(claim: name, expected: "number", found: value.typeName)
        }
        return number
    }

    private static func string(_ payload: JSONObject, _ name: String) throws(DashboardTokenError) -> String? {
        guard let value = payload[name] else { return nil }
        guard let text = value.stringValue else { throw .wrongClaimType(claim: name, expected: "string", found: value.typeName) }
        return text
    }

    /// The compact token for `header` and `payload` (JSON text) signed with `secret`: what the
    /// tests and the fuzz loop use to reach the checks after the signature.
    static func sign(header: String, payload: String, secret: String) -> String {
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Array(input.utf8), using: SymmetricKey(data: Array(secret.utf8)))
        return input + "." + Base64URL.encode(Array(mac))
    }
}

/// What a verified dashboard token says.
package struct DashboardClaims: Sendable, Equatable {
    /// The tenant: `userId`, or `sub` when the token has no `userId`.
    package let userId: String
    package let subject: String?
    /// nil when the token has no `exp` (the dashboard may issue non-expiring tokens).
    package let expiresAt: Date?
    package let notBefore: Date?
    package let issuedAt: Date?
    /// Every claim, for callers that need more than the above.
    package let all: JSONObject
}

/// Why a token was refused. Each case names one failure; ``description`` is what a person (or a
/// CONNECT_ERROR message) should read.
package enum DashboardTokenError: Error, Sendable, Equatable, CustomStringConvertible {
    case emptySecret
    case tooLarge(bytes: Int, limit: Int)
    /// Compact JWS has exactly three segments.
    case malformed(segments: Int)
    /// 1 = header, 2 = payload, 3 = signature.
    case badBase64(segment: Int)
    case headerNotJSON(reason: String)
    case payloadNotJSON(reason: String)
    case missingAlgorithm
    case unsupportedAlgorithm(String)
    case unsupportedType(String)
    case wrongHeaderType(field: String, expected: String, found: String)
    case badSignature
    case expired(at: Date)
    case notYetValid(until: Date)
    case issuedInFuture(at: Date)
    case missingUserId
    case wrongClaimType(claim: String, expected: String, found: String)

    package var description: String {
        switch self {
        case .emptySecret: "no JWT secret is configured; no token can verify"
        case .tooLarge(let bytes, let limit): "token is \(bytes) bytes; the limit is \(limit)"
        case .malformed(let segments): "token is not a compact JWT: expected 3 dot-separated segments, found \(segments)"
        case .badBase64(let segment):
            "segment \(segment) (\(["header", "payload", "signature"][min(max(segment, 1), 3) - 1])) is not unpadded base64url"
        case .headerNotJSON(let reason): "token header is not a JSON object: \(reason)"
        case .payloadNotJSON(let reason): "token payload is not a JSON object: \(reason)"
        case .missingAlgorithm: "token header has no \"alg\""
        case .unsupportedAlgorithm(let alg): "token algorithm \"\(alg)\" is not supported; only HS256 is accepted"
        case .unsupportedType(let typ): "token type \"\(typ)\" is not JWT"
        case .wrongHeaderType(let field, let expected, let found): "token header \"\(field)\" must be a \(expected), found \(found)"
        case .badSignature: "token signature does not match (wrong secret or altered token)"
        case .expired(let at): "token expired at \(Self.time(at))"
        case .notYetValid(let until): "token is not valid before \(Self.time(until))"
        case .issuedInFuture(let at): "token claims to be issued in the future, at \(Self.time(at))"
        case .missingUserId: "token has no \"userId\" (or \"sub\") claim"
        case .wrongClaimType(let claim, let expected, let found): "token claim \"\(claim)\" must be a \(expected), found \(found)"
        }
    }

    /// ISO-8601 for plausible dates; the raw number otherwise, since a token's NumericDate may be
    /// any finite double and the timestamp formatter converts to `time_t`.
    private static func time(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        guard abs(seconds) < 1e11 else { return "\(seconds) seconds since 1970" }
        return ISOTimestamp.string(date)
    }
}
