import Foundation
import Testing

@testable import FCBRealtime

/// Reference tokens were made the way Node's `jsonwebtoken` makes them (compact JSON, unpadded
/// base64url, HMAC-SHA256 keyed with the secret's UTF-8 bytes), with Python's standard library,
/// and pasted verbatim. The fixed clock is 1_800_000_000 (2027-01-15T08:00:00Z).
@Suite("DashboardToken verification")
struct DashboardTokenTests {
    static let now: TimeInterval = 1_800_000_000
    static let six = "s3cr3t"
    static let unicodeSecret = "clé-秘密-🔑"

    /// {"userId":"u_123","email":"a@b.co","iat":1799999000,"exp":1800003600}, secret "s3cr3t".
    static let sixToken =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VySWQiOiJ1XzEyMyIsImVtYWlsIjoiYUBiLmNvIiwiaWF0IjoxNzk5OTk5MDAwLCJleHAiOjE4MDAwMDM2MDB9.Bcr5fwvFZTwh-SZb0GWFbrt7u-Cg4RfhfhygT1NjT10"
    /// {"userId":"cm9xk2ab0000","name":"Zoë","iat":1799999900,"exp":1800086300}, unicode secret.
    static let unicodeToken =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VySWQiOiJjbTl4azJhYjAwMDAiLCJuYW1lIjoiWm_DqyIsImlhdCI6MTc5OTk5OTkwMCwiZXhwIjoxODAwMDg2MzAwfQ.DVx_pqaVt76IpNH4bV2nFbnUJBG4Smy9D7BdXWmoHyI"
    /// {"sub":"user-42","iat":1799999000}: no userId, no exp.
    static let subToken = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQyIiwiaWF0IjoxNzk5OTk5MDAwfQ.OhI0RMdoqeKgU5rk-3r3H7j5X1hh-Plsb5b6-s3u2pM"
    /// The six-character token's payload with userId changed to "u_999", original signature.
    static let tamperedToken =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VySWQiOiJ1Xzk5OSIsImVtYWlsIjoiYUBiLmNvIiwiaWF0IjoxNzk5OTk5MDAwLCJleHAiOjE4MDAwMDM2MDB9.Bcr5fwvFZTwh-SZb0GWFbrt7u-Cg4RfhfhygT1NjT10"
    /// alg HS512, correctly signed with HMAC-SHA512.
    static let hs512Token =
        "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJ1c2VySWQiOiJ1XzEyMyIsImV4cCI6MTgwMDAwMzYwMH0.ZWKWFMI5wHouXAZkI2p7UZ-PFR6ItoZXI33DL7b2N026pqoPgntA3Gw0ccUwBLsvcnmLBmJGqru5iasNNfDFXw"
    static let noneToken = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJ1c2VySWQiOiJ1XzEyMyJ9."
    /// exp 1799999000: 1,000 s before the clock.
    static let expiredToken =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VySWQiOiJ1XzEyMyIsImlhdCI6MTc5OTk5MDAwMCwiZXhwIjoxNzk5OTk5MDAwfQ.-466CSBybQMKJR7y3LQUXNc6UalVHgQiEpSamcz_13s"
    /// nbf 1800000100: 100 s after the clock.
    static let nbfToken =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VySWQiOiJ1XzEyMyIsIm5iZiI6MTgwMDAwMDEwMCwiZXhwIjoxODAwMDAzNjAwfQ.hUhJy_rQNVq2rojD4LRJVYhanxhxZKSsII4zTAU9rGI"
    /// {"userId":42,"exp":1800003600}.
    static let numericUserIdToken =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VySWQiOjQyLCJleHAiOjE4MDAwMDM2MDB9.bK0x6BABo7yajsXnvw4C6O3EeIEV4kI0eUXeXorDvkE"

    static let header = #"{"alg":"HS256","typ":"JWT"}"#

    func verifier(_ secret: String = six, at time: TimeInterval = now, leeway: TimeInterval = 30) -> DashboardTokenVerifier {
        DashboardTokenVerifier(secret: secret, clock: { Date(timeIntervalSince1970: time) }, leeway: leeway)
    }

    func error(_ token: String, _ verifier: DashboardTokenVerifier? = nil) -> DashboardTokenError? {
        do {
            _ = try (verifier ?? self.verifier()).verify(token)
            return nil
        } catch {
            return error
        }
    }

    func signed(_ payload: String, header: String = header, secret: String = six) -> String {
        DashboardTokenVerifier.sign(header: header, payload: payload, secret: secret)
    }

    @Test func sixCharacterSecretVerifies() throws {
        let claims = try verifier().verify(Self.sixToken)
        #expect(claims.userId == "u_123")
        #expect(claims.subject == nil)
        #expect(claims.expiresAt == Date(timeIntervalSince1970: 1_800_003_600))
        #expect(claims.issuedAt == Date(timeIntervalSince1970: 1_799_999_000))
        #expect(claims.notBefore == nil)
        #expect(claims.all["email"] == "a@b.co")
    }

    @Test func unicodeSecretVerifies() throws {
        let claims = try verifier(Self.unicodeSecret).verify(Self.unicodeToken)
        #expect(claims.userId == "cm9xk2ab0000")
        #expect(claims.all["name"] == "Zoë")
        #expect(error(Self.unicodeToken, verifier("cle-秘密-🔑")) == .badSignature)
    }

    @Test func subIsTheFallbackAndExpIsOptional() throws {
        let claims = try verifier().verify(Self.subToken)
        #expect(claims.userId == "user-42")
        #expect(claims.subject == "user-42")
        #expect(claims.expiresAt == nil)
        // userId wins over sub when both are present.
        #expect(try verifier().verify(signed(#"{"sub":"a","userId":"b"}"#)).userId == "b")
    }

    @Test func signatureFailures() {
        #expect(error(Self.tamperedToken) == .badSignature)
        #expect(error(Self.sixToken, verifier("s3cr3T")) == .badSignature)
        #expect(error(Self.sixToken, verifier("")) == .emptySecret)
        #expect(error(signed(#"{"userId":"x"}"#, secret: "")) == .badSignature)
        // A truncated (still canonical, 30-byte) signature is a mismatch, not a crash.
        #expect(error(String(Self.sixToken.dropLast(3))) == .badSignature)
    }

    @Test func algorithmsOtherThanHS256AreRefused() {
        #expect(error(Self.noneToken) == .unsupportedAlgorithm("none"))
        #expect(error(Self.hs512Token) == .unsupportedAlgorithm("HS512"))
        #expect(error(signed("{}", header: #"{"alg":"hs256"}"#)) == .unsupportedAlgorithm("hs256"))
        #expect(error(signed("{}", header: #"{"typ":"JWT"}"#)) == .missingAlgorithm)
        #expect(error(signed("{}", header: #"{"alg":256}"#)) == .wrongHeaderType(field: "alg", expected: "string", found: "number"))
        #expect(error(signed("{}", header: #"{"alg":null}"#)) == .wrongHeaderType(field: "alg", expected: "string", found: "null"))
    }

    @Test func headerType() throws {
        #expect(try verifier().verify(signed(#"{"userId":"u"}"#, header: #"{"alg":"HS256","typ":"jwt"}"#)).userId == "u")
        #expect(try verifier().verify(signed(#"{"userId":"u"}"#, header: #"{"alg":"HS256"}"#)).userId == "u")
        #expect(error(signed(#"{"userId":"u"}"#, header: #"{"alg":"HS256","typ":"JWE"}"#)) == .unsupportedType("JWE"))
        #expect(error(signed(#"{"userId":"u"}"#, header: #"{"alg":"HS256","typ":1}"#)) == .wrongHeaderType(field: "typ", expected: "string", found: "number"))
        #expect(error(signed(#"{"userId":"u"}"#, header: "[]")) == .headerNotJSON(reason: "expected an object, found array"))
        if case .headerNotJSON = error(signed(#"{"userId":"u"}"#, header: "{alg}")) {} else { Issue.record("header {alg} accepted") }
    }

    @Test func timeClaims() {
        let expired = error(Self.expiredToken)
        #expect(expired == .expired(at: Date(timeIntervalSince1970: 1_799_999_000)))
        #expect(expired?.description == "token expired at 2027-01-15T07:43:20.000Z")
        #expect(error(Self.nbfToken) == .notYetValid(until: Date(timeIntervalSince1970: 1_800_000_100)))
        #expect(error(signed(#"{"userId":"u","iat":1800000100}"#)) == .issuedInFuture(at: Date(timeIntervalSince1970: 1_800_000_100)))
        // A larger leeway forgives both.
        #expect(error(Self.nbfToken, verifier(leeway: 100)) == nil)
        #expect(error(Self.expiredToken, verifier(leeway: 1_001)) == nil)
    }

    /// `jsonwebtoken`'s rules with whole-second `now`: expired when `now >= exp + leeway`; not yet
    /// valid when `nbf > now + leeway`.
    @Test func leewayEdges() {
        let now = Int(Self.now)
        #expect(error(signed(#"{"userId":"u","exp":\#(now - 29)}"#)) == nil)
        #expect(error(signed(#"{"userId":"u","exp":\#(now - 30)}"#)) == .expired(at: Date(timeIntervalSince1970: Self.now - 30)))
        #expect(error(signed(#"{"userId":"u","nbf":\#(now + 30)}"#)) == nil)
        #expect(error(signed(#"{"userId":"u","nbf":\#(now + 31)}"#)) == .notYetValid(until: Date(timeIntervalSince1970: Self.now + 31)))
        #expect(error(signed(#"{"userId":"u","iat":\#(now + 30)}"#)) == nil)
        // A fractional clock is floored as Math.floor(Date.now() / 1000) is.
        #expect(error(signed(#"{"userId":"u","exp":\#(now - 29)}"#), verifier(at: Self.now + 0.999)) == nil)
        #expect(error(signed(#"{"userId":"u","exp":\#(now)}"#), verifier(leeway: 0)) == .expired(at: Date(timeIntervalSince1970: Self.now)))
    }

    @Test func segmentCounts() {
        let parts = Self.sixToken.split(separator: ".").map(String.init)
        #expect(error(parts[0] + "." + parts[1]) == .malformed(segments: 2))
        #expect(error(Self.sixToken + "." + parts[2]) == .malformed(segments: 4))
        #expect(error("") == .malformed(segments: 1))
        if case .headerNotJSON = error("..") {} else { Issue.record("empty segments accepted") }
    }

    @Test func paddingAndBadBase64() {
        let parts = Self.sixToken.split(separator: ".").map(String.init)
        // The signature of 32 bytes is 43 characters; with padding it would end in "=".
        #expect(error(parts[0] + "." + parts[1] + "." + parts[2] + "=") == .badBase64(segment: 3))
        // The header is 36 characters, so "==" makes it 38: padding is refused, not skipped.
        #expect(error(parts[0] + "==." + parts[1] + "." + parts[2]) == .badBase64(segment: 1))
        // Standard-alphabet characters are not base64url.
        #expect(error(parts[0] + "." + parts[1] + "." + parts[2].replacingOccurrences(of: "-", with: "+")) == .badBase64(segment: 3))
        // Padding in the payload is judged after the signature, which then fails.
        #expect(error(parts[0] + "." + parts[1] + "=." + parts[2]) == .badSignature)
        #expect(error("e y.e.e") == .badBase64(segment: 1))
        // A non-canonical last character (non-zero unused bits) is refused.
        #expect(Base64URL.decode(Array("QQ".utf8)) == [0x41])
        #expect(Base64URL.decode(Array("QR".utf8)) == nil)
        #expect(Base64URL.decode(Array("Q".utf8)) == nil)
        let message = DashboardTokenError.badBase64(segment: 3).description
        #expect(message == "segment 3 (signature) is not unpadded base64url")
    }

    @Test func garbageAndHugeTokens() {
        #expect(error("\u{0}\u{1}ÿ.\u{FFFD}.🔑") == .badBase64(segment: 1))
        #expect(error("not a token") == .malformed(segments: 1))
        let huge = signed(#"{"userId":"u","pad":""# + String(repeating: "x", count: 10_000) + #""}"#)
        #expect(error(huge) == .tooLarge(bytes: huge.utf8.count, limit: 8_192))
        // Signed but not JSON / not an object.
        if case .payloadNotJSON = error(signed("\u{7F}garbage")) {} else { Issue.record("garbage payload accepted") }
        #expect(error(signed("[1]")) == .payloadNotJSON(reason: "expected an object, found array"))
    }

    @Test func claimTypes() {
        #expect(error(Self.numericUserIdToken) == .wrongClaimType(claim: "userId", expected: "string", found: "number"))
        #expect(error(signed(#"{"userId":"u","exp":"1800003600"}"#)) == .wrongClaimType(claim: "exp", expected: "number", found: "string"))
        #expect(error(signed(#"{"userId":"u","exp":null}"#)) == .wrongClaimType(claim: "exp", expected: "number", found: "null"))
        #expect(error(signed(#"{"userId":"u","nbf":true}"#)) == .wrongClaimType(claim: "nbf", expected: "number", found: "boolean"))
        #expect(error(signed(#"{"userId":"u","iat":[1]}"#)) == .wrongClaimType(claim: "iat", expected: "number", found: "array"))
        #expect(error(signed(#"{"sub":7}"#)) == .wrongClaimType(claim: "sub", expected: "string", found: "number"))
        #expect(error(signed(#"{"exp":1800003600}"#)) == .missingUserId)
        #expect(error(signed(#"{"userId":""}"#)) == .missingUserId)
        // Dates far outside any calendar still give a message.
        #expect(DashboardTokenError.expired(at: Date(timeIntervalSince1970: -1e308)).description == "token expired at -1e+308 seconds since 1970")
    }

    /// Seeded random tokens: raw bytes, and signed headers/payloads built from JSON fragments, so
    /// the checks past the signature are exercised too. None may crash.
    @Test func randomInputsNeverCrash() {
        var rng = SplitMix64(seed: 0x5EED_0F_DA5B)
        let alphabet = Array("eyJABCabc0123-_=.+/ {}\"\u{0}é🔑".unicodeScalars)
        let fragments = [
            "{", "}", "[", "]", ",", ":", "\"userId\"", "\"sub\"", "\"exp\"", "\"nbf\"", "\"iat\"", "\"alg\"", "\"HS256\"", "\"typ\"", "\"JWT\"", "1800000000",
            "-1e308", "1e999", "null", "true", "\"u\"", "\"\\ud800\"", "0.5",
        ]
        let verifier = verifier()
        var accepted = 0
        for _ in 0..<2_000 {
            let token: String
            switch rng.next() % 3 {
            case 0:
                let length = Int(rng.next() % 200)
                token = String(String.UnicodeScalarView((0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }))
            case 1:
                let payload = (0..<Int(rng.next() % 12)).map { _ in fragments[Int(rng.next() % UInt64(fragments.count))] }.joined()
                token = signed(payload)
            default:
                let key = ["\"userId\"", "\"sub\"", "\"exp\"", "\"nbf\"", "\"iat\""][Int(rng.next() % 5)]
                let value = fragments[Int(rng.next() % UInt64(fragments.count))]
                let header = rng.next() % 4 == 0 ? "{\"alg\":\(value)}" : Self.header
                token = signed("{\"userId\":\"u\",\(key):\(value)}", header: header)
            }
            do {
                _ = try verifier.verify(token)
                accepted += 1
            } catch {
                // Messages must render for any input (huge or negative dates included).
                #expect(!error.description.isEmpty)
            }
        }
        // Some well-formed signed tokens get through, so the loop reaches the claim checks.
        #expect(accepted > 0)
    }
}

/// A small deterministic generator so the random loop is the same on every run.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
