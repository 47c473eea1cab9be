import Foundation
import Testing

@testable import FCBSupport
@testable import FCBTesting
@testable import FlowEngine
@testable import WhatsAppCloud

/// Runs one test at a time with the other loopback suites, to keep the load of many NIO servers
/// and HTTP clients off the rest of the test run.
extension LoopbackNetworkSuites {
    @Suite("Graph API sender: per-contact order and rate limit")
    struct SendOrderingAndRateTests {
        static let other = "5491155550202"

        /// A's first message is held by the fake; A's second waits behind it inside fcb (never
        /// reaching Meta early), while B's message goes through in parallel.
        @Test func sendsToOneContactWaitForThePreviousAnswer() async throws {
            try await FakeGraphAPI.withRunning { fake in
                await fake.add(FakeGraphRule(recipient: GraphTest.contact, edge: .messages, times: 1, reply: .hold))
                let sender = GraphTest.sender(fake)
                let first = Task { await sender.send(userId: GraphTest.userId, to: GraphTest.contact, message: .text(body: "1")) }
                #expect(await GraphTest.eventually { await fake.heldCount == 1 })
                let second = Task { await sender.send(userId: GraphTest.userId, to: GraphTest.contact, message: .text(body: "2")) }
                #expect(await GraphTest.eventually { await sender.queuedSends(userId: GraphTest.userId, to: GraphTest.contact) == 1 })
                let third = await sender.send(userId: GraphTest.userId, to: Self.other, message: .text(body: "B"))
                #expect(third == .success(messageId: "wamid.FAKE000001"))
                #expect(await fake.messageRequests(to: GraphTest.contact).count == 1)
                #expect(await fake.releaseHeld() == 1)
                #expect(await first.value.isSuccess)
                #expect(await second.value.isSuccess)
                await sender.shutdown()
                let toA = await fake.messageRequests(to: GraphTest.contact)
                #expect(toA.map { $0.json?["text"]?["body"] } == ["1", "2"])
                #expect(toA.map(\.inFlightForRecipient) == [0, 0])
                let toB = await fake.messageRequests(to: Self.other)
                #expect(toB.first?.inFlight == 1)  // A's first message was still unanswered
            }
        }

        @Test func queuedSendsGoOutInArrivalOrder() async throws {
            try await FakeGraphAPI.withRunning { fake in
                await fake.add(FakeGraphRule(recipient: GraphTest.contact, edge: .messages, times: 1, reply: .hold))
                let sender = GraphTest.sender(fake)
                var tasks: [Task<SendResult, Never>] = []
                for n in 1...6 {
                    tasks.append(Task { await sender.send(userId: GraphTest.userId, to: GraphTest.contact, message: .text(body: "\(n)")) })
                    if n == 1 {
                        #expect(await GraphTest.eventually { await fake.heldCount == 1 })
                    } else {
                        #expect(await GraphTest.eventually { await sender.queuedSends(userId: GraphTest.userId, to: GraphTest.contact) == n - 1 })
                    }
                }
                await fake.releaseHeld()
                for task in tasks { #expect(await task.value.isSuccess) }
                await sender.shutdown()
                let requests = await fake.messageRequests(to: GraphTest.contact)
                #expect(requests.compactMap { $0.json?["text"]?["body"]?.stringValue } == ["1", "2", "3", "4", "5", "6"])
                #expect(requests.allSatisfy { $0.inFlightForRecipient == 0 })
            }
        }

        @Test func manyConcurrentSendsNeverOverlapPerContact() async throws {
            try await FakeGraphAPI.withRunning { fake in
                await fake.add(FakeGraphRule(edge: .messages, times: nil, delayMilliseconds: 2, reply: .success))
                let sender = GraphTest.sender(fake)
                let contacts = ["5491155550001", "5491155550002", "5491155550003"]
                await withTaskGroup(of: Bool.self) { group in
                    for contact in contacts {
                        for n in 1...8 {
                            group.addTask { await sender.send(userId: GraphTest.userId, to: contact, message: .text(body: "\(n)")).isSuccess }
                        }
                    }
                    for await ok in group { #expect(ok) }
                }
                await sender.shutdown()
                let requests = await fake.messageRequests()
                #expect(requests.count == 24)
                #expect(requests.allSatisfy { $0.inFlightForRecipient == 0 })
                for contact in contacts {
                    #expect(Set(await fake.messageRequests(to: contact).compactMap { $0.json?["text"]?["body"]?.stringValue }).count == 8)
                }
            }
        }

        @Test func senderWaitsForThePhoneNumbersRate() async throws {
            try await FakeGraphAPI.withRunning { fake in
                let clock = VirtualClock()
                let start = clock.now()
                let sender = GraphTest.sender(fake, clock: clock, rateLimit: SendRateLimit(messagesPerSecond: 2, burst: 1))
                var times: [Int] = []
                for n in 0..<4 {
                    #expect(await sender.send(userId: GraphTest.userId, to: "549115555000\(n)", message: .text(body: "x")).isSuccess)
                    times.append(GraphTest.elapsed(clock, since: start))
                }
                await sender.shutdown()
                #expect(times == [0, 500, 1000, 1500])
                #expect(await fake.requestCount == 4)
            }
        }
    }
}

@Suite("Send rate limiter (virtual clock)")
struct SendRateLimiterTests {
    func offsets(_ limiter: SendRateLimiter, key: String = "p", count: Int, clock: VirtualClock, start: Date) async -> [Int] {
        var result: [Int] = []
        for _ in 0..<count {
            await limiter.acquire(key)
            result.append(GraphTest.elapsed(clock, since: start))
        }
        return result
    }

    @Test func evenlySpacedWithoutBurst() async {
        let clock = VirtualClock()
        let start = clock.now()
        let limiter = SendRateLimiter(limit: SendRateLimit(messagesPerSecond: 80, burst: 1), clock: clock)
        let times = await offsets(limiter, count: 81, clock: clock, start: start)
        #expect(times == (0...80).map { Int((Double($0) * 12.5).rounded(.up)) })
        #expect(times.last == 1000)
    }

    @Test func defaultBurstThenEightyPerSecond() async {
        let clock = VirtualClock()
        let start = clock.now()
        let limiter = SendRateLimiter(limit: SendRateLimit(), clock: clock)
        let times = await offsets(limiter, count: 160, clock: clock, start: start)
        #expect(times.prefix(80).allSatisfy { $0 == 0 })
        #expect(times[80] == 13)
        #expect(times.last == 1000)
        // Idle for a while: the bucket is full again.
        clock.advance(milliseconds: 5000)
        let rested = clock.now()
        #expect(await offsets(limiter, count: 80, clock: clock, start: rested).allSatisfy { $0 == 0 })
    }

    @Test func phoneNumbersDoNotShareABucket() async {
        let clock = VirtualClock()
        let start = clock.now()
        let limiter = SendRateLimiter(limit: SendRateLimit(messagesPerSecond: 1, burst: 1), clock: clock)
        #expect(await offsets(limiter, key: "A", count: 2, clock: clock, start: start) == [0, 1000])
        #expect(await offsets(limiter, key: "B", count: 1, clock: clock, start: start) == [1000])
        #expect(await offsets(limiter, key: "A", count: 1, clock: clock, start: start) == [2000])
    }

    @Test func configurationIsSanitised() {
        #expect(SendRateLimit(messagesPerSecond: 0, burst: 0) == SendRateLimit(messagesPerSecond: 80, burst: 1))
        #expect(SendRateLimit(messagesPerSecond: .nan, burst: 5).messagesPerSecond == 80)
        #expect(GraphRetryPolicy(maxAttempts: 0).maxAttempts == 1)
    }

    @Test func serialQueuesRunOneAtATimePerKeyInOrder() async {
        let queues = SerialQueues()
        let log = EventLog()
        let gate = AsyncGate()
        let first = Task {
            await queues.run("k") {
                await log.append("start 1")
                await gate.wait()
                await log.append("end 1")
            }
        }
        _ = await GraphTest.eventually { await queues.isBusy("k") }
        let second = Task { await queues.run("k") { await log.append("run 2") } }
        _ = await GraphTest.eventually { await queues.queued("k") == 1 }
        let third = Task { await queues.run("k") { await log.append("run 3") } }
        _ = await GraphTest.eventually { await queues.queued("k") == 2 }
        await queues.run("other") { await log.append("other") }
        await gate.open()
        await first.value
        await second.value
        await third.value
        #expect(await log.events == ["start 1", "other", "end 1", "run 2", "run 3"])
        #expect(await !queues.isBusy("k"))
    }
}

actor EventLog {
    private(set) var events: [String] = []
    func append(_ event: String) { events.append(event) }
}
