import Crypto
import FlowEngine

/// `fcb verify-signature`: checks a header against a body and, when it does not match, finds
/// out why by signing the usual accidental re-writings of the body (and of the secret and the
/// header) until one of them reproduces the given signature.
package struct SignatureDiagnosis: Sendable, Equatable {
    /// `sha256=<hex>` for the body and secret as given.
    package let expected: String
    /// The header as given.
    package let given: String
    package let verification: SignatureVerification
    /// How many `sha256=` candidates the header holds.
    package let candidateCount: Int
    /// Likely causes, most specific first; empty when valid.
    package let causes: [String]

    package var isValid: Bool { verification.isValid }

    package init(body: [UInt8], secret: String, header: String) {
        expected = WebhookSignature.header(body: body, secret: secret)
        given = header
        verification = WebhookSignature.verify(body: body, secret: secret, header: header)
        let candidates = WebhookSignature.candidates(in: header)
        candidateCount = candidates.count
        causes = verification.isValid ? [] : Self.causes(body: body, secret: secret, header: header, candidates: candidates)
    }

    private static func causes(body: [UInt8], secret: String, header: String, candidates: [[UInt8]]) -> [String] {
        var causes: [String] = []
        if secret.isEmpty {
            causes.append(
                "the secret is empty: fcb never accepts a signature made with an empty secret; use the app's App Secret (Meta App Dashboard → App settings → Basic)"
            )
        }
        causes += headerProblems(header, body: body, secret: secret)
        // Digests to look for: the well-formed sha256 candidates, or a bare hex value.
        var wanted = candidates.filter { $0.count == SHA256.byteCount }
        if wanted.isEmpty, let bare = Hex.decode(header.trimmingJSWhitespace()), bare.count == SHA256.byteCount {
            wanted = [bare]
        }
        if !wanted.isEmpty && !secret.isEmpty {
            causes += bodyAndSecretCauses(body: body, secret: secret, wanted: wanted)
        }
        if causes.isEmpty {
            causes.append(
                "no usual re-writing of the body explains the mismatch: most likely the secret is not the one that signed it (the App Secret of the app that owns the webhook subscription — not an access token or the verify token), or the body is not the one that was signed"
            )
        }
        return causes
    }

    /// Problems visible in the header alone.
    private static func headerProblems(_ header: String, body: [UInt8], secret: String) -> [String] {
        var problems: [String] = []
        let trimmed = header.trimmingJSWhitespace()
        if trimmed.isEmpty {
            return ["the signature header is empty"]
        }
        let segments = trimmed.split(separator: ",").map { String($0).trimmingJSWhitespace() }
        for segment in segments {
            let parts = segment.split(separator: "=", maxSplits: 1).map(String.init)
            let algorithm = parts.first?.trimmingJSWhitespace().jsLowercased() ?? ""
            let digest = parts.count > 1 ? parts[1].trimmingJSWhitespace() : ""
            if parts.count == 1 {
                if let bare = Hex.decode(segment), bare.count == SHA256.byteCount {
                    var text = "the header has no \"sha256=\" prefix: Meta's header is sha256=<64 hex digits>"
                    if !secret.isEmpty, WebhookSignature.verify(body: body, secret: secret, header: "sha256=" + segment).isValid {
                        text += " (the digest itself is right for this body and secret)"
                    }
                    problems.append(text)
                } else {
                    problems.append("\"\(preview(segment))\" is not of the form sha256=<64 hex digits>")
                }
                continue
            }
            if algorithm == "sha1" {
                var text =
                    "the header is a sha1= value, the old X-Hub-Signature (SHA-1) header; Meta sends the SHA-256 one as X-Hub-Signature-256: sha256=…"
                if !secret.isEmpty, let sha1 = Hex.decode(digest),
                    Array(HMAC<Insecure.SHA1>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))) == sha1
                {
                    text += " (it is the correct SHA-1 signature of this body, so body and secret are right: take the X-Hub-Signature-256 header instead)"
                }
                problems.append(text)
                continue
            }
            if algorithm != "sha256" {
                // `parts` is empty for a segment of only "=" (found by FuzzSignature).
                problems.append("unknown algorithm \"\(preview(parts.first ?? segment))\": only sha256= is accepted")
                continue
            }
            if digest.isEmpty {
                problems.append("the sha256= digest is empty")
            } else if !digest.utf8.allSatisfy(Self.isHexDigit) {
                problems.append("the digest \"\(preview(digest))\" contains characters that are not hex digits")
            } else if digest.utf8.count != 64 {
                problems.append("the digest has \(digest.utf8.count) hex digits; a SHA-256 digest has 64 (cut off or padded when copied?)")
            }
        }
        return problems
    }

    /// Signs the body's likely re-writings (and the trimmed secret) and reports which one the
    /// given signature belongs to.
    private static func bodyAndSecretCauses(body: [UInt8], secret: String, wanted: [[UInt8]]) -> [String] {
        var bases: [(bytes: [UInt8], cause: String?)] = [(body, nil)]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) {
            bases.append((Array(body.dropFirst(3)), "the file starts with a UTF-8 byte-order mark (an editor added it); the signed bytes do not"))
        }
        if body.contains(0x0D) {
            bases.append((crlfToLF(body), "the file has Windows line endings (CRLF); the signed bytes have LF"))
        }
        if let escaped = BodyVariants.escapingNonASCII(body) {
            bases.append(
                (
                    escaped,
                    "the signed bytes have non-ASCII characters escaped as \\u00e4 (as Meta sends them) but this body has them as raw UTF-8: it was decoded and re-written after Meta signed it"
                ))
        }
        if let escapedUpper = BodyVariants.escapingNonASCII(body, uppercase: true) {
            bases.append((escapedUpper, "the signed bytes have non-ASCII characters escaped as \\u00E4 (upper-case hex) but this body has them as raw UTF-8"))
        }
        if let unescaped = BodyVariants.unescapingNonASCII(body) {
            bases.append(
                (
                    unescaped,
                    "the signed bytes have non-ASCII characters as raw UTF-8 (ä) but this body has them escaped as \\u00e4: one side re-serialised the JSON (JSON.stringify) instead of using the raw bytes"
                ))
        }
        if let value = try? JSONValue(parsing: body) {
            for variant in BodyVariants.reserializations(of: value) where variant.bytes != body {
                bases.append(
                    (
                        variant.bytes,
                        "the signature matches this body \(variant.name): the body was re-serialised between signing and now (pretty-printed for a log, re-encoded by a framework); sign and send the exact bytes"
                    ))
            }
        }
        var secrets: [(String, String?)] = [(secret, nil)]
        let trimmedSecret = secret.trimmingJSWhitespace()
        if trimmedSecret != secret, !trimmedSecret.isEmpty {
            secrets.append((trimmedSecret, "the secret has leading or trailing whitespace; the signature was made with it trimmed"))
        }
        for (key, secretCause) in secrets {
            let symmetricKey = SymmetricKey(data: Array(key.utf8))
            for base in bases {
                for (bytes, newlineCause) in newlineVariants(base.bytes) {
                    if secretCause == nil && base.cause == nil && newlineCause == nil { continue }
                    let mac = Array(HMAC<SHA256>.authenticationCode(for: bytes, using: symmetricKey))
                    if wanted.contains(mac) {
                        return [secretCause, base.cause, newlineCause].compactMap { $0 }
                    }
                }
            }
        }
        return []
    }

    /// The body as is, without its trailing line breaks, and with one `\n` added.
    private static func newlineVariants(_ bytes: [UInt8]) -> [([UInt8], String?)] {
        var variants: [([UInt8], String?)] = [(bytes, nil)]
        var stripped = bytes[...]
        while let last = stripped.last, last == 0x0A || last == 0x0D { stripped = stripped.dropLast() }
        if stripped.count != bytes.count {
            variants.append(
                (Array(stripped), "this body ends with a line break that the signed bytes do not have (added by an editor or by echo); replay the exact bytes"))
        }
        variants.append((bytes + [0x0A], "the signed bytes end with a line break that this body does not have (the signer used echo or added a newline)"))
        return variants
    }

    private static func crlfToLF(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x0D, i + 1 < bytes.count, bytes[i + 1] == 0x0A {
                i += 1
                continue
            }
            out.append(bytes[i])
            i += 1
        }
        return out
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }

    private static func preview(_ s: String) -> String { s.count <= 24 ? s : s.prefix(24) + "…" }
}
