import Crypto
import Foundation

/// Meta's `X-Hub-Signature-256` header: `sha256=` + the lower-case hex HMAC-SHA256 of the raw
/// body bytes, keyed with the app secret.
package enum WebhookSignature {
    package static let headerName = "X-Hub-Signature-256"

    /// The header value for `body`: `sha256=<64 lower-case hex digits>`.
    package static func header(body: [UInt8], secret: String) -> String {
        "sha256=" + hex(body: body, secret: secret)
    }

    /// The lower-case hex HMAC-SHA256 of `body`.
    package static func hex(body: [UInt8], secret: String) -> String {
        Hex.encode(Array(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))))
    }

    /// The digests a header offers, parsed as the old backend does
    /// (docs/compatibility.md#webhook-endpoint): split on `,`, trim each segment, split it on `=`
    /// into algorithm and digest; keep segments whose algorithm (trimmed, any case) is `sha256`
    /// and whose digest (trimmed) is hex of even length. Upper-case hex is fine.
    package static func candidates(in header: String) -> [[UInt8]] {
        header.split(separator: ",", omittingEmptySubsequences: false).compactMap { segment -> [UInt8]? in
            // JavaScript's `segment.split("=")` then `[algorithm, digest]`: the part after a
            // second `=` is ignored.
            let parts = String(segment).trimmingJSWhitespace().split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count >= 2 else { return nil }
            guard String(parts[0]).trimmingJSWhitespace().jsLowercased() == "sha256" else { return nil }
            return Hex.decode(String(parts[1]).trimmingJSWhitespace())
        }
    }

    /// Checks `header` against `body` in constant time per candidate. An empty secret never
    /// verifies (an unconfigured tenant must not accept everything signed with "").
    package static func verify(body: [UInt8], secret: String, header: String) -> SignatureVerification {
        if secret.isEmpty { return .emptySecret }
        let candidates = candidates(in: header)
        if candidates.isEmpty { return .noUsableCandidate }
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
        var matched: Int?
        for (index, digest) in candidates.enumerated() {
            // Lengths are compared first (as the reference does); swift-crypto's `==` between a
            // MAC and bytes compares in constant time. Every candidate is checked, match or not.
            guard digest.count == SHA256.byteCount else { continue }
            if mac == digest, matched == nil {
                matched = index
            }
        }
        if let matched { return .valid(candidate: matched) }
        return .mismatch
    }
}

/// The outcome of ``WebhookSignature/verify(body:secret:header:)``.
package enum SignatureVerification: Sendable, Equatable {
    /// The candidate at this index (0-based) matches.
    case valid(candidate: Int)
    /// At least one well-formed `sha256=` candidate, none matching.
    case mismatch
    /// No segment of the header is a `sha256=<hex>` candidate.
    case noUsableCandidate
    /// The secret is empty; nothing verifies.
    case emptySecret

    package var isValid: Bool { if case .valid = self { true } else { false } }
}

/// Hexadecimal text of bytes.
enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Bytes of an even-length hex string (either case); nil for anything else or "".
    static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard !utf8.isEmpty, utf8.count % 2 == 0 else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let high = value(utf8[i]), let low = value(utf8[i + 1]) else { return nil }
            bytes.append(high << 4 | low)
            i += 2
        }
        return bytes
    }

    private static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
