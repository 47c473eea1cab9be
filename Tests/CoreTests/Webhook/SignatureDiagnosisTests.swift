import Testing

@testable import FlowEngine
@testable import WhatsAppCloud

@Suite("Signature diagnosis (verify-signature)")
struct SignatureDiagnosisTests {
    static let secret = "demo-secret"
    static let pretty = Array("{\n  \"text\": {\n    \"body\": \"Tschüß\"\n  }\n}\n".utf8)

    func diagnose(_ body: [UInt8], signedBytes: [UInt8], secret: String = SignatureDiagnosisTests.secret, header: String? = nil) -> SignatureDiagnosis {
        SignatureDiagnosis(body: body, secret: secret, header: header ?? WebhookSignature.header(body: signedBytes, secret: Self.secret))
    }

    /// FuzzSignature's crash (fuzz/crashes/FuzzSignature): a header segment of only "=" used to
    /// index an empty split and trap.
    @Test(arguments: ["=", "sha1=abcd, =", "sha256=00ff, =, x", ", = ,"])
    func headerSegmentOfOnlyEquals(header: String) {
        let diagnosis = SignatureDiagnosis(body: Self.pretty, secret: Self.secret, header: header)
        #expect(!diagnosis.isValid)
        #expect(diagnosis.causes.contains { $0.hasPrefix("unknown algorithm \"=\"") || $0.hasPrefix("unknown algorithm \"\"") })
    }

    @Test func validHasNoCauses() {
        let diagnosis = diagnose(Self.pretty, signedBytes: Self.pretty)
        #expect(diagnosis.isValid)
        #expect(diagnosis.causes.isEmpty)
        #expect(diagnosis.expected == diagnosis.given)
    }

    @Test func prettyPrintedAfterSigning() {
        let compact = Array(#"{"text":{"body":"Tschüß"}}"#.utf8)
        let diagnosis = diagnose(Self.pretty, signedBytes: compact)
        #expect(!diagnosis.isValid)
        #expect(diagnosis.causes.count == 1)
        #expect(diagnosis.causes.first?.hasPrefix("the signature matches this body re-serialised compactly (JSON.stringify(body))") == true)
    }

    @Test func signedPrettyButHaveCompact() {
        let compact = Array(#"{"text":{"body":"Tschüß"}}"#.utf8)
        let diagnosis = diagnose(compact, signedBytes: Self.pretty)
        #expect(diagnosis.causes.count == 2)
        #expect(diagnosis.causes[0].hasPrefix("the signature matches this body pretty-printed with 2 spaces"))
        #expect(diagnosis.causes[1].hasPrefix("the signed bytes end with a line break that this body does not have"))
    }

    @Test func trailingNewlineBothWays() {
        let body = Array(#"{"a":1}"#.utf8)
        let added = diagnose(body + [0x0A], signedBytes: body)
        #expect(added.causes == ["this body ends with a line break that the signed bytes do not have (added by an editor or by echo); replay the exact bytes"])
        let removed = diagnose(body, signedBytes: body + [0x0A])
        #expect(removed.causes == ["the signed bytes end with a line break that this body does not have (the signer used echo or added a newline)"])
    }

    @Test func nonASCIIEscapedVersusRawBothWays() {
        let raw = Array(#"{"name":"Lucía","emoji":"🚚"}"#.utf8)
        let escaped = Array(#"{"name":"Luc\u00eda","emoji":"\ud83d\ude9a"}"#.utf8)
        let haveRaw = diagnose(raw, signedBytes: escaped)
        #expect(haveRaw.causes.count == 1)
        #expect(
            haveRaw.causes[0].hasPrefix(
                "the signed bytes have non-ASCII characters escaped as \\u00e4 (as Meta sends them) but this body has them as raw UTF-8"))
        let haveEscaped = diagnose(escaped, signedBytes: raw)
        #expect(haveEscaped.causes.count == 1)
        #expect(haveEscaped.causes[0].hasPrefix("the signed bytes have non-ASCII characters as raw UTF-8 (ä) but this body has them escaped as \\u00e4"))
        let upper = Array(#"{"name":"Luc\u00EDa","emoji":"\uD83D\uDE9A"}"#.utf8)
        #expect(diagnose(raw, signedBytes: upper).causes.first?.contains("upper-case hex") == true)
    }

    @Test func escapedAndNewlineTogether() {
        let raw = Array("{\"name\":\"Lucía\"}\n".utf8)
        let escaped = Array(#"{"name":"Luc\u00eda"}"#.utf8)
        let diagnosis = diagnose(raw, signedBytes: escaped)
        #expect(diagnosis.causes.count == 2)
        #expect(diagnosis.causes[0].contains("escaped as \\u00e4"))
        #expect(diagnosis.causes[1].hasPrefix("this body ends with a line break"))
    }

    @Test func metaStyleAndPythonReserialisations() {
        let value: JSONValue = ["url": "https://example.com/a", "name": "Lucía"]
        let body = Array(value.serialized(indent: 2).utf8)
        let meta = diagnose(body, signedBytes: Array(#"{"url":"https:\/\/example.com\/a","name":"Luc\u00eda"}"#.utf8))
        #expect(meta.causes.first?.contains("Meta's own style") == true)
        let python = diagnose(body, signedBytes: Array(#"{"url": "https://example.com/a", "name": "Luc\u00eda"}"#.utf8))
        #expect(python.causes.first?.contains("json.dumps(body)") == true)
    }

    @Test func secretWithWhitespace() {
        let body = Array(#"{"a":1}"#.utf8)
        let diagnosis = SignatureDiagnosis(body: body, secret: " \(Self.secret)\n", header: WebhookSignature.header(body: body, secret: Self.secret))
        #expect(diagnosis.causes == ["the secret has leading or trailing whitespace; the signature was made with it trimmed"])
    }

    @Test func emptySecret() {
        let body = Array(#"{"a":1}"#.utf8)
        let diagnosis = SignatureDiagnosis(body: body, secret: "", header: WebhookSignature.header(body: body, secret: ""))
        #expect(diagnosis.verification == .emptySecret)
        #expect(diagnosis.causes.count == 1)
        #expect(diagnosis.causes[0].hasPrefix("the secret is empty: fcb never accepts a signature made with an empty secret"))
    }

    @Test func sha1Header() {
        let body = Array(#"{"hola":1}"#.utf8)
        let right = SignatureDiagnosis(body: body, secret: Self.secret, header: "sha1=1b6c3b9c0d84cef83bb7c5d1e1358bf26cfb12c2")
        #expect(right.verification == .noUsableCandidate)
        #expect(right.causes.count == 1)
        #expect(right.causes[0].hasPrefix("the header is a sha1= value, the old X-Hub-Signature (SHA-1) header"))
        #expect(
            right.causes[0].hasSuffix(
                "(it is the correct SHA-1 signature of this body, so body and secret are right: take the X-Hub-Signature-256 header instead)"))
        let wrong = SignatureDiagnosis(body: body, secret: Self.secret, header: "sha1=0000000000000000000000000000000000000000")
        #expect(!wrong.causes[0].contains("correct SHA-1"))
    }

    @Test func headerShapeProblems() {
        let body = Array(#"{"a":1}"#.utf8)
        let digest = WebhookSignature.hex(body: body, secret: Self.secret)
        #expect(
            SignatureDiagnosis(body: body, secret: Self.secret, header: digest).causes == [
                "the header has no \"sha256=\" prefix: Meta's header is sha256=<64 hex digits> (the digest itself is right for this body and secret)"
            ])
        #expect(
            SignatureDiagnosis(body: body, secret: Self.secret, header: "sha256=" + digest.dropLast(2)).causes == [
                "the digest has 62 hex digits; a SHA-256 digest has 64 (cut off or padded when copied?)"
            ])
        #expect(
            SignatureDiagnosis(body: body, secret: Self.secret, header: "sha256=xyz").causes == [
                "the digest \"xyz\" contains characters that are not hex digits"
            ])
        #expect(SignatureDiagnosis(body: body, secret: Self.secret, header: "").causes == ["the signature header is empty"])
        #expect(SignatureDiagnosis(body: body, secret: Self.secret, header: "md5=abcd").causes == ["unknown algorithm \"md5\": only sha256= is accepted"])
    }

    @Test func unexplainedMismatchSaysSecret() {
        let body = Array(#"{"a":1}"#.utf8)
        let diagnosis = SignatureDiagnosis(body: body, secret: "other", header: WebhookSignature.header(body: body, secret: Self.secret))
        #expect(diagnosis.causes.count == 1)
        #expect(diagnosis.causes[0].hasPrefix("no usual re-writing of the body explains the mismatch: most likely the secret is not the one that signed it"))
    }

    @Test func byteOrderMarkAndCRLF() {
        let body = Array("{\r\n  \"a\": 1\r\n}".utf8)
        let lf = Array("{\n  \"a\": 1\n}".utf8)
        #expect(diagnose(body, signedBytes: lf).causes == ["the file has Windows line endings (CRLF); the signed bytes have LF"])
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF] + lf
        #expect(diagnose(bom, signedBytes: lf).causes == ["the file starts with a UTF-8 byte-order mark (an editor added it); the signed bytes do not"])
    }

    @Test func garbageBodiesDoNotCrash() {
        for body: [UInt8] in [[], [0xFF, 0xFE, 0x00], Array("{\"a\":".utf8), Array("\\u12".utf8), Array("\\ud83d\\u".utf8)] {
            let diagnosis = SignatureDiagnosis(body: body, secret: Self.secret, header: "sha256=" + String(repeating: "0", count: 64))
            #expect(!diagnosis.isValid)
            #expect(!diagnosis.causes.isEmpty)
        }
    }

    @Test func unescapeLeavesEscapedBackslashesAndASCIIEscapesAlone() {
        #expect(BodyVariants.unescapingNonASCII(Array(#""\\u00e4""#.utf8)) == nil)
        #expect(BodyVariants.unescapingNonASCII(Array(#""\u0041\u000a""#.utf8)) == nil)
        #expect(BodyVariants.unescapingNonASCII(Array(#""\ud83d""#.utf8)) == nil)  // lone surrogate
        #expect(BodyVariants.unescapingNonASCII(Array(#""a\u00e4\ud83d\ude9a""#.utf8)) == Array("\"aä🚚\"".utf8))
        #expect(BodyVariants.escapingNonASCII(Array("\"aä🚚\"".utf8)) == Array(#""a\u00e4\ud83d\ude9a""#.utf8))
        #expect(BodyVariants.escapingNonASCII(Array("\"abc\"".utf8)) == nil)
    }
}
