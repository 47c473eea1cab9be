import Testing

@testable import WhatsAppCloud

/// Expected digests were computed independently with Python's `hmac` module.
@Suite("Webhook signature (X-Hub-Signature-256)")
struct WebhookSignatureTests {
    static let rawBody = Array(#"{"text":{"body":"Tschüß, Zoë 🚚"}}"#.utf8)
    static let escapedBody = Array(#"{"text":{"body":"Tsch\u00fc\u00df, Zo\u00eb \ud83d\ude9a"}}"#.utf8)
    static let rawDigest = "d370e0fbda0cd55c3c16713f47344ce4c68dac45f6c03d38832a4a0d352d7e27"
    static let escapedDigest = "99c5b13adbace9e16a8ceedd336e4790a8f79f49ff08a77f24a676c46c2d56f2"

    @Test func knownVectors() {
        // RFC 4231 test case 2.
        #expect(
            WebhookSignature.hex(body: Array("what do ya want for nothing?".utf8), secret: "Jefe")
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(
            WebhookSignature.header(body: Array(#"{"hola":1}"#.utf8), secret: "demo-secret")
                == "sha256=4e0d7b9446fb406f24a3ae35cf12d1226b6185c13f8be771571c8cece400accc")
        #expect(WebhookSignature.hex(body: [], secret: "s3cret") == "91dfac70c5348b04e1babb8b421ac92cec08b565b49ca16130dccb72503647b7")
    }

    @Test func nonASCIIIsSignedAsTheBytesArrive() {
        #expect(WebhookSignature.hex(body: Self.rawBody, secret: "s3cret") == Self.rawDigest)
        #expect(WebhookSignature.hex(body: Self.escapedBody, secret: "s3cret") == Self.escapedDigest)
        // The same JSON value, written two ways, has two different signatures: each verifies
        // only its own bytes.
        #expect(WebhookSignature.verify(body: Self.escapedBody, secret: "s3cret", header: "sha256=" + Self.escapedDigest) == .valid(candidate: 0))
        #expect(WebhookSignature.verify(body: Self.escapedBody, secret: "s3cret", header: "sha256=" + Self.rawDigest) == .mismatch)
        #expect(WebhookSignature.verify(body: Self.rawBody, secret: "s3cret", header: "sha256=" + Self.rawDigest) == .valid(candidate: 0))
        #expect(WebhookSignature.verify(body: Self.rawBody, secret: "s3cret", header: "sha256=" + Self.escapedDigest) == .mismatch)
    }

    @Test func upperCaseHexAndAlgorithmAreAccepted() {
        #expect(WebhookSignature.verify(body: Self.rawBody, secret: "s3cret", header: "sha256=" + Self.rawDigest.uppercased()).isValid)
        #expect(WebhookSignature.verify(body: Self.rawBody, secret: "s3cret", header: "SHA256=" + Self.rawDigest).isValid)
        #expect(WebhookSignature.verify(body: Self.rawBody, secret: "s3cret", header: "  sha256 =  \(Self.rawDigest)  ").isValid)
    }

    @Test func severalCandidatesAnyMatching() {
        let header = "sha256=\(Self.escapedDigest), sha1=abcd, sha256=\(Self.rawDigest)"
        #expect(WebhookSignature.candidates(in: header).count == 2)
        #expect(WebhookSignature.verify(body: Self.rawBody, secret: "s3cret", header: header) == .valid(candidate: 1))
        #expect(WebhookSignature.verify(body: Self.escapedBody, secret: "s3cret", header: header) == .valid(candidate: 0))
        #expect(WebhookSignature.verify(body: Array("x".utf8), secret: "s3cret", header: header) == .mismatch)
    }

    @Test func malformedCandidatesAreSkipped() {
        #expect(WebhookSignature.candidates(in: "").isEmpty)
        #expect(WebhookSignature.candidates(in: "sha256=").isEmpty)
        #expect(WebhookSignature.candidates(in: "sha256=abc").isEmpty)  // odd length
        #expect(WebhookSignature.candidates(in: "sha256=zz").isEmpty)  // not hex
        #expect(WebhookSignature.candidates(in: Self.rawDigest).isEmpty)  // no algorithm
        #expect(WebhookSignature.candidates(in: "sha256=ab=cd") == [[0xAB]])  // JavaScript split: the part after a second "=" is ignored
        #expect(WebhookSignature.verify(body: Self.rawBody, secret: "s3cret", header: "garbage") == .noUsableCandidate)
        // A well-formed but short digest is compared by length first and never matches.
        #expect(WebhookSignature.verify(body: Self.rawBody, secret: "s3cret", header: "sha256=" + Self.rawDigest.prefix(62)) == .mismatch)
    }

    @Test func sha1HeaderIsRejected() {
        let sha1 = "sha1=1b6c3b9c0d84cef83bb7c5d1e1358bf26cfb12c2"  // the correct SHA-1 HMAC of the body
        #expect(WebhookSignature.verify(body: Array(#"{"hola":1}"#.utf8), secret: "demo-secret", header: sha1) == .noUsableCandidate)
    }

    @Test func emptySecretNeverVerifies() {
        let header = WebhookSignature.header(body: Self.rawBody, secret: "")
        #expect(WebhookSignature.verify(body: Self.rawBody, secret: "", header: header) == .emptySecret)
        #expect(!WebhookSignature.verify(body: Self.rawBody, secret: "", header: header).isValid)
    }

    @Test func hexRoundTrip() {
        #expect(Hex.encode([0x00, 0x0F, 0xAB, 0xFF]) == "000fabff")
        #expect(Hex.decode("000FabFF") == [0x00, 0x0F, 0xAB, 0xFF])
        #expect(Hex.decode("") == nil)
        #expect(Hex.decode("0g") == nil)
    }
}
