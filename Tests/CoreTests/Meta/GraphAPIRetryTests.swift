import Foundation
import Synchronization
import Testing

@testable import FCBSupport
@testable import FCBTesting
@testable import FlowEngine
@testable import WhatsAppCloud

/// Every retry path against the fake: request counts, and the waits on the virtual clock
/// (jitter fixed at 0.5: retry n waits 3/4 of min(8 s, 500 ms × 2^(n-1)) → 375, 750, 1500 ms).
/// Runs one test at a time with the other loopback suites, to keep the load of many NIO servers
/// and HTTP clients off the rest of the test run.
extension LoopbackNetworkSuites {
    @Suite("Graph API sender: retries")
    struct GraphAPIRetryTests {
        func send(_ fake: FakeGraphAPI, clock: VirtualClock = VirtualClock(), pin: String? = "123456", timeout: Duration = .seconds(15)) async -> SendResult {
            let sender = GraphTest.sender(fake, credentials: GraphTest.credentials(pin: pin), clock: clock, timeout: timeout)
            let result = await sender.send(userId: GraphTest.userId, to: GraphTest.contact, message: .text(body: "hola"))
            await sender.shutdown()
            return result
        }

        @Test(arguments: [
            (FakeGraphReply.graphError(code: 130429), 1, 375),
            (.graphError(code: 130429), 2, 1125),
            (.graphError(code: 131056), 1, 375),
            (.status(429, body: "slow down"), 2, 1125),
            (.status(503, body: "upstream unavailable"), 3, 2625),
            (.graphError(code: 131000), 1, 375),
            (.drop, 2, 1125),
        ])
        func transientFailuresAreRetriedWithBackoff(reply: FakeGraphReply, failures: Int, waited: Int) async throws {
            try await FakeGraphAPI.withRunning { fake in
                await fake.failNext(failures, with: reply)
                let clock = VirtualClock()
                let start = clock.now()
                let result = await send(fake, clock: clock)
                #expect(result == .success(messageId: "wamid.FAKE000001"))
                let requests = await fake.requests(path: GraphTest.messagesPath)
                #expect(requests.count == failures + 1)
                #expect(Set(requests.map(\.bodyText)).count == 1)  // the same bytes every time
                #expect(GraphTest.elapsed(clock, since: start) == waited)
            }
        }

        @Test func retriesAreBoundedAndReportTheLastAnswer() async throws {
            try await FakeGraphAPI.withRunning { fake in
                await fake.failNext(10, with: .graphError(code: 130429))
                let clock = VirtualClock()
                let start = clock.now()
                let result = await send(fake, clock: clock)
                // Not accepted: `fcb serve` defers the item and sends it again later.
                guard case .notAccepted(let error, let status, let details) = result else {
                    Issue.record("expected a send Meta did not accept, got \(result)")
                    return
                }
                #expect(error == "(#130429) Rate limit hit")
                #expect(status == 400)
                #expect(GraphErrorCode.code(in: details) == 130429)
                #expect(await fake.count(path: GraphTest.messagesPath) == 4)
                #expect(GraphTest.elapsed(clock, since: start) == 375 + 750 + 1500)
            }
        }

        @Test func networkFailuresAreRetriedThenReported() async throws {
            try await FakeGraphAPI.withRunning { fake in
                await fake.failNext(4, with: .drop)
                let result = await send(fake)
                guard case .notAccepted(let error, let status, _) = result else {
                    Issue.record("expected a send Meta did not accept, got \(result)")
                    return
                }
                #expect(error.hasPrefix("Could not reach Meta: "))
                #expect(status == nil)
                #expect(await fake.count(path: GraphTest.messagesPath) == 4)
            }
        }

        @Test func jitterStaysWithinItsBounds() async throws {
            try await FakeGraphAPI.withRunning { fake in
                await fake.failNext(3, with: .status(500, body: "boom"))
                let clock = VirtualClock()
                let start = clock.now()
                let sender = GraphAPISender(
                    configuration: GraphAPIConfiguration(baseURL: fake.url), credentials: GraphTest.credentials(), clock: clock,
                    random: SeededRandomSource(seed: 42))
                #expect(await sender.send(userId: GraphTest.userId, to: GraphTest.contact, message: .text(body: "x")).isSuccess)
                await sender.shutdown()
                let waited = GraphTest.elapsed(clock, since: start)
                #expect(waited >= 250 + 500 + 1000)
                #expect(waited <= 500 + 1000 + 2000)
            }
            let policy = GraphRetryPolicy(maxAttempts: 10, baseDelayMilliseconds: 500, maxDelayMilliseconds: 8000)
            #expect((1...8).map { policy.ceilingMilliseconds(retry: $0) } == [500, 1000, 2000, 4000, 8000, 8000, 8000, 8000])
            #expect(policy.delayMilliseconds(retry: 1, unit: 0) == 250)
            #expect(policy.delayMilliseconds(retry: 1, unit: 0.999_999) == 499)
            #expect(policy.delayMilliseconds(retry: 60, unit: 0.5) == 6000)
        }

        @Test func timeoutsAreNotRetried() async throws {
            try await FakeGraphAPI.withRunning { fake in
                // Held until the fake stops: however late the timeout fires, no answer can beat it.
                await fake.failNext(1, with: .hold)
                let clock = VirtualClock()
                let start = clock.now()
                let result = await send(fake, clock: clock, timeout: .milliseconds(200))
                #expect(result == .failure(error: "Request to Meta timed out", status: nil))
                // Never retried: at most the one request (under load the timeout can fire before it even arrives).
                #expect(await fake.count(path: GraphTest.messagesPath) <= 1)
                #expect(GraphTest.elapsed(clock, since: start) == 0)
            }
        }

        @Test func outsideTheCustomerServiceWindowIsNeverRetried() async throws {
            try await FakeGraphAPI.withRunning { fake in
                await fake.failNext(1, with: .graphError(code: 131047))
                let clock = VirtualClock()
                let start = clock.now()
                let result = await send(fake, clock: clock)
                guard case .failure(let error, let status, let details) = result else {
                    Issue.record("expected a failure")
                    return
                }
                #expect(error == GraphAPIErrorText.outsideCustomerServiceWindow)
                #expect(status == 400)
                #expect(GraphErrorCode.code(in: details) == 131047)
                #expect(await fake.requestCount == 1)
                #expect(GraphTest.elapsed(clock, since: start) == 0)
            }
        }

        @Test func notRegisteredRegistersWithThePinAndRetriesOnce() async throws {
            try await FakeGraphAPI.withRunning { fake in
                await fake.failNext(1, with: .graphError(code: 133010))
                let clock = VirtualClock()
                let start = clock.now()
                let result = await send(fake, clock: clock)
                #expect(result == .success(messageId: "wamid.FAKE000001"))
                let requests = await fake.requests()
                #expect(requests.map(\.path) == [GraphTest.messagesPath, GraphTest.registerPath, GraphTest.messagesPath])
                #expect(requests[1].bodyText == #"{"messaging_product":"whatsapp","pin":"123456"}"#)
                #expect(requests[1].header("Authorization") == "Bearer \(GraphTest.token)")
                #expect(requests[0].body == requests[2].body)
                #expect(GraphTest.elapsed(clock, since: start) == 0)
            }
        }

        @Test func notRegisteredWithoutPin() async throws {
            try await FakeGraphAPI.withRunning { fake in
                await fake.failNext(1, with: .graphError(code: 133010))
                let result = await send(fake, pin: "  ")
                guard case .failure(let error, let status, _) = result else {
                    Issue.record("expected a failure")
                    return
                }
                #expect(error == "Tu número de WhatsApp no está registrado. Ingresa el PIN de registro en Ajustes → WhatsApp Cloud para habilitar el envío.")
                #expect(status == 400)
                #expect(await fake.requests().map(\.path) == [GraphTest.messagesPath])
            }
        }

        @Test func registrationFailureIsReported() async throws {
            try await FakeGraphAPI.withRunning { fake in
                await fake.failNext(1, with: .graphError(code: 133010))
                await fake.failNext(1, edge: .register, with: .graphError(code: 100))
                let result = await send(fake)
                guard case .failure(let error, let status, _) = result else {
                    Issue.record("expected a failure")
                    return
                }
                #expect(
                    error
                        == "No se pudo registrar automáticamente el número de WhatsApp con el PIN configurado. Verifica el PIN en Ajustes → WhatsApp Cloud o regístralo manualmente desde Meta."
                )
                #expect(status == 400)
                #expect(await fake.requests().map(\.path) == [GraphTest.messagesPath, GraphTest.registerPath])
            }
        }

        @Test(arguments: [
            FakeGraphReply.status(409, body: "conflict"),
            .graphError(code: 100, message: "Phone number is Already Registered with another PIN"),
        ])
        func alreadyRegisteredCountsAsRegistered(registerReply: FakeGraphReply) async throws {
            try await FakeGraphAPI.withRunning { fake in
                await fake.failNext(1, with: .graphError(code: 133010))
                await fake.failNext(1, edge: .register, with: registerReply)
                #expect(await send(fake) == .success(messageId: "wamid.FAKE000001"))
                #expect(await fake.requests().map(\.path) == [GraphTest.messagesPath, GraphTest.registerPath, GraphTest.messagesPath])
            }
        }

        @Test func registersOnlyOnce() async throws {
            try await FakeGraphAPI.withRunning { fake in
                await fake.failNext(2, with: .graphError(code: 133010))
                let result = await send(fake)
                guard case .failure(let error, let status, _) = result else {
                    Issue.record("expected a failure")
                    return
                }
                #expect(error == "(#133010) Account not registered")
                #expect(status == 400)
                #expect(await fake.requests().map(\.path) == [GraphTest.messagesPath, GraphTest.registerPath, GraphTest.messagesPath])
            }
        }

        @Test func concurrentRegistrationsOfOneNumberAreShared() async {
            let registrations = PhoneRegistrations()
            let calls = CallCounter()
            let gate = AsyncGate()
            async let first = registrations.register(key: "u:1") {
                calls.increment()
                await gate.wait()
                return true
            }
            // Wait until the first registration runs, then join it from a second caller.
            _ = await GraphTest.eventually { calls.value == 1 }
            async let second = registrations.register(key: "u:1") {
                calls.increment()
                return false
            }
            async let other = registrations.register(key: "u:2") {
                calls.increment()
                return true
            }
            #expect(await other)
            _ = await GraphTest.eventually { await registrations.waiting(for: "u:1") == 1 }
            await gate.open()
            #expect(await first)
            #expect(await second)
            #expect(calls.value == 2)
        }
    }
}

/// A counter shared with closures.
final class CallCounter: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}

/// Suspends callers until opened.
actor AsyncGate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters.removeAll()
    }
}
