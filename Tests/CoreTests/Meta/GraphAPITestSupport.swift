import Foundation
import Testing

@testable import FCBSupport
@testable import FCBTesting
@testable import WhatsAppCloud

/// The suites that start loopback servers and HTTP clients, one test at a time.
@Suite("Loopback network", .serialized)
enum LoopbackNetworkSuites {}

/// Always the same jitter: retry delays are exact.
struct FixedRandom: RandomSource {
    let value: Double
    func unit() -> Double { value }
}

struct ThrowingCredentials: TenantCredentialsSource {
    struct Down: Error, CustomStringConvertible { var description: String { "database is down" } }
    func credentials(forUserId userId: String) async throws -> TenantCredentials? { throw Down() }
}

enum GraphTest {
    static let phoneNumberId = "106540352242922"
    static let token = "EAAG-test-token"
    static let userId = "cuser00000000000000000001"
    static let contact = "5491155550000"
    static let messagesPath = "/v23.0/106540352242922/messages"
    static let registerPath = "/v23.0/106540352242922/register"

    static func credentials(pin: String? = "123456", token: String = GraphTest.token) -> StaticCredentialsSource {
        StaticCredentialsSource([userId: TenantCredentials(accessToken: token, phoneNumberId: phoneNumberId, pin: pin)])
    }

    /// A sender pointed at `fake`, on a virtual clock, with jitter fixed at 0.5.
    static func sender(
        _ fake: FakeGraphAPI, credentials: any TenantCredentialsSource = GraphTest.credentials(), clock: VirtualClock = VirtualClock(),
        retry: GraphRetryPolicy = GraphRetryPolicy(), rateLimit: SendRateLimit = SendRateLimit(), timeout: Duration = .seconds(15)
    ) -> GraphAPISender {
        GraphAPISender(
            configuration: GraphAPIConfiguration(baseURL: fake.url, timeout: timeout, retry: retry, rateLimit: rateLimit),
            credentials: credentials, clock: clock, random: FixedRandom(value: 0.5))
    }

    /// Milliseconds the clock moved since `start`.
    static func elapsed(_ clock: VirtualClock, since start: Date) -> Int {
        Int((clock.now().timeIntervalSince(start) * 1000).rounded())
    }

    /// Polls `condition` (bounded: at most `seconds`); false when it never became true.
    static func eventually(seconds: Double = 10, _ condition: () async -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return await condition()
    }
}
