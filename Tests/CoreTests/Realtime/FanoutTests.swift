import FCBTesting
import Foundation
import Logging
import Synchronization
import Testing

@testable import FCBRealtime
@testable import FCBStore
@testable import FlowEngine

/// The realtime fan-out between `fcb serve` instances: the NOTIFY envelope, and PostgresFanout
/// against a real server (two instances, reconnecting, cancelling).
@Suite("Realtime fan-out envelope")
struct FanoutEnvelopeTests {
    @Test func everyEventRoundTrips() throws {
        for event in FanoutFixtures.events {
            let text = RealtimeEnvelope.encode(event, origin: "0123456789abcdef")
            let decoded = try RealtimeEnvelope.decode(text)
            #expect(decoded == RealtimeEnvelope.Decoded(origin: "0123456789abcdef", content: .event(event)))
        }
    }

    @Test func envelopeTextIsExact() {
        #expect(
            RealtimeEnvelope.encode(.typingStart(contactId: "c1", userId: "u1"), origin: "0123456789abcdef")
                == #"{"v":1,"origin":"0123456789abcdef","event":"typing:start","contactId":"c1","userId":"u1"}"#)
        #expect(
            RealtimeEnvelope.encode(
                .messageStatus(messageId: "m1", waMessageId: "wamid.1", status: "Read", contactId: "c1", userId: "u1"), origin: "o")
                == #"{"v":1,"origin":"o","event":"message:status","messageId":"m1","waMessageId":"wamid.1","status":"Read","contactId":"c1","userId":"u1"}"#)
        let message = MessageRecord(id: "m1", direction: "outbound", createdAt: instant(), contactId: "c1", userId: "u1")
        #expect(
            RealtimeEnvelope.encode(.messageNew(message), origin: "o")
                == #"{"v":1,"origin":"o","event":"message:new","message":{"id":"m1","waMessageId":null,"direction":"outbound","type":"text","content":null,"payload":null,"status":"Pending","error":null,"statusUpdatedAt":null,"createdAt":"2025-11-29T07:06:40.123Z","contactId":"c1","userId":"u1","sessionId":null}}"#
        )
    }

    @Test func largeMessageGoesByReferenceAndResolvesThroughTheLookup() async throws {
        let big = FanoutFixtures.message(id: "cmsgbig", content: String(repeating: "x", count: 20_000))
        let text = RealtimeEnvelope.encode(.messageNew(big), origin: "o")
        #expect(text == #"{"v":1,"origin":"o","event":"message:new","ref":{"messageId":"cmsgbig"}}"#)
        #expect(text.utf8.count < 8000)
        let decoded = try RealtimeEnvelope.decode(text)
        #expect(decoded.content == .messageReference(messageId: "cmsgbig"))
        let rows = ["cmsgbig": big]
        #expect(await decoded.content.resolve(lookup: { rows[$0] }) == .messageNew(big))
        #expect(await RealtimeEnvelope.Content.messageReference(messageId: "gone").resolve(lookup: { rows[$0] }) == nil)
    }

    /// The limit is in UTF-8 bytes (what PostgreSQL counts), not characters.
    @Test func sizeIsMeasuredInUTF8Bytes() throws {
        // The fixture's payload repeats the content, so the row holds it twice.
        let under = FanoutFixtures.message(id: "m", content: String(repeating: "x", count: 3_000))
        #expect(try RealtimeEnvelope.decode(RealtimeEnvelope.encode(.messageNew(under), origin: "o")).content == .event(.messageNew(under)))
        let over = FanoutFixtures.message(id: "m", content: String(repeating: "é", count: 2_000))  // 4,000 chars, 8,000 bytes
        #expect(try RealtimeEnvelope.decode(RealtimeEnvelope.encode(.messageNew(over), origin: "o")).content == .messageReference(messageId: "m"))
    }

    @Test func malformedAndUnknownEnvelopesAreErrors() {
        let cases: [(String, RealtimeEnvelope.DecodingError?)] = [
            ("", nil), ("not json", nil), ("[1]", .malformed("not an object")), ("\u{FFFD}{", nil),
            (#"{"v":2,"origin":"o","event":"typing:start","contactId":"c","userId":"u"}"#, .unsupportedVersion("2")),
            (#"{"origin":"o","event":"typing:start"}"#, .unsupportedVersion("missing")),
            (#"{"v":"1","origin":"o","event":"typing:start"}"#, .unsupportedVersion(#""1""#)),
            (#"{"v":1,"origin":"o","event":"message:deleted","messageId":"m"}"#, .unknownEvent("message:deleted")),
            (#"{"v":1,"event":"typing:start","contactId":"c","userId":"u"}"#, .malformed("origin is missing or not a string")),
            (#"{"v":1,"origin":"o","event":"typing:stop","contactId":"c"}"#, .malformed("userId is missing or not a string")),
            (#"{"v":1,"origin":"o","event":"message:status","messageId":1}"#, .malformed("messageId is missing or not a string")),
            (#"{"v":1,"origin":"o","event":"message:new","ref":{}}"#, .malformed("ref.messageId is missing")),
            (#"{"v":1,"origin":"o","event":"message:new","message":{"id":"m"}}"#, .malformed("message is missing or not a Message row")),
        ]
        for (text, expected) in cases {
            do {
                let decoded = try RealtimeEnvelope.decode(text)
                Issue.record("decoded \(text) as \(decoded)")
            } catch {
                if let expected {
                    #expect(error == expected, "\(text)")
                } else {
                    guard case .malformed = error else {
                        Issue.record("\(text): \(error)")
                        continue
                    }
                }
            }
        }
    }

    @Test func messageRowsNeedValidDates() {
        var row = RealtimeEvent.json(FanoutFixtures.message(id: "m", content: "hi"))
        #expect(MessageRecord(realtimeJSON: row) == FanoutFixtures.message(id: "m", content: "hi"))
        if case .object(var o) = row {
            o["createdAt"] = "yesterday"
            row = .object(o)
        }
        #expect(MessageRecord(realtimeJSON: row) == nil)
        if case .object(var o) = row {
            o["createdAt"] = "2025-11-29T07:06:40.123Z"
            o["statusUpdatedAt"] = 5
            row = .object(o)
        }
        #expect(MessageRecord(realtimeJSON: row) == nil)
    }

    @Test func backoffStaysWithinHalfASecondAndFiveSeconds() {
        for failures in 0...40 {
            let delay = PostgresFanout.backoff(failures: failures)
            #expect(delay >= .milliseconds(500) && delay <= .seconds(5), "\(failures): \(delay)")
        }
        #expect(PostgresFanout.backoff(failures: 20) >= .milliseconds(3_750))
        #expect(PostgresFanout.randomOrigin().count == 16)
        #expect(PostgresFanout.randomOrigin() != PostgresFanout.randomOrigin())
    }

    /// What a receiver does with one notification, without a server: own origin skipped,
    /// references looked up, a missing or unreadable row dropped, garbage ignored.
    @Test func handlingSkipsOwnOriginAndDropsUnresolvableReferences() async throws {
        let big = FanoutFixtures.message(id: "big", content: String(repeating: "y", count: 9_000))
        struct Broken: Error {}
        let fanout = try PostgresFanout(
            settings: PostgresSettings(host: "127.0.0.1", port: 1, username: "nobody"), origin: "me",
            lookupMessage: { id in
                if id == "broken" { throw Broken() }
                return id == "big" ? big : nil
            }, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let got = FanoutCollector()
        let other = { (event: RealtimeEvent) in RealtimeEnvelope.encode(event, origin: "other") }
        await fanout.handle(RealtimeEnvelope.encode(.typingStart(contactId: "c", userId: "u"), origin: "me"), got.append)
        await fanout.handle(other(.typingStop(contactId: "c", userId: "u")), got.append)
        await fanout.handle(other(.messageNew(big)), got.append)
        await fanout.handle(other(.messageNew(FanoutFixtures.message(id: "gone", content: String(repeating: "z", count: 9_000)))), got.append)
        await fanout.handle(other(.messageNew(FanoutFixtures.message(id: "broken", content: String(repeating: "z", count: 9_000)))), got.append)
        await fanout.handle("{garbage", got.append)
        #expect(got.events == [.typingStop(contactId: "c", userId: "u"), .messageNew(big)])
        await fanout.close()
    }
}

enum FanoutFixtures {
    static func message(id: String, content: String) -> MessageRecord {
        MessageRecord(
            id: id, waMessageId: "wamid.\(id)", direction: "inbound", type: "text", content: content,
            payload: ["text": ["body": .string(content)], "n": 1.5, "ok": true, "none": nil], status: "Delivered",
            error: "e \"quoted\" ✓", statusUpdatedAt: instant(5), createdAt: instant(), contactId: "c1", userId: "u1",
            sessionId: "s1")
    }

    static let events: [RealtimeEvent] = [
        .messageNew(message(id: "cmsg1", content: "héllo 👋\n\u{0}")),
        .messageNew(MessageRecord(id: "cmsg2", direction: "outbound", createdAt: instant(1), contactId: "c1", userId: "u1")),
        .messageStatus(messageId: "cmsg1", waMessageId: "wamid.cmsg1", status: "Read", contactId: "c1", userId: "u1"),
        .typingStart(contactId: "c1", userId: "u1"),
        .typingStop(contactId: "c1", userId: "u1"),
    ]
}

/// Events a receiver delivered, in order.
final class FanoutCollector: Sendable {
    private let state = Mutex<[RealtimeEvent]>([])
    var events: [RealtimeEvent] { state.withLock { $0 } }
    @Sendable func append(_ event: RealtimeEvent) async { state.withLock { $0.append(event) } }
}

/// Polls `condition` every 50 ms for up to `seconds`; whether it became true.
func fanoutEventually(seconds: Double = 15, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}

/// Several instances on one PostgreSQL database (scripts/with-postgres provides one).
@Suite("Realtime fan-out over PostgreSQL", .enabled(if: PostgresTestSupport.isAvailable, "\(PostgresTestSupport.skipReason)"), .timeLimit(.minutes(2)))
struct PostgresFanoutTests {
    /// Two instances, each running `receive`, with `body`; everything stopped afterwards.
    private func withTwoInstances(
        rows: [String: MessageRecord] = [:],
        _ body: (PostgresSettings, FanoutInstance, FanoutInstance) async throws -> Void
    ) async throws {
        try await PostgresTestSupport.withDatabase { settings in
            let a = try FanoutInstance(settings: settings, origin: "aaaaaaaaaaaaaaaa", rows: rows)
            let b = try FanoutInstance(settings: settings, origin: "bbbbbbbbbbbbbbbb", rows: rows)
            do {
                try await FanoutInstance.warmUp(a, b)
                try await body(settings, a, b)
            } catch {
                await a.stop()
                await b.stop()
                throw error
            }
            await a.stop()
            await b.stop()
        }
    }

    @Test func eventsReachTheOtherInstanceInOrderAndNeverTheSender() async throws {
        try await withTwoInstances { _, a, b in
            for event in FanoutFixtures.events { await a.fanout.publish(event) }
            #expect(await fanoutEventually { b.realEvents.count >= FanoutFixtures.events.count })
            #expect(b.realEvents == FanoutFixtures.events)
            // B's marker arrives after A's events (one session, commit order): once A has it, A has
            // seen everything it was ever going to see of its own.
            let marker = RealtimeEvent.typingStop(contactId: "marker", userId: "u")
            await b.fanout.publish(marker)
            #expect(await fanoutEventually { a.realEvents.contains(marker) })
            #expect(a.realEvents == [marker])
            #expect(b.realEvents == FanoutFixtures.events)
        }
    }

    @Test func notificationsDoNotWaitForTheWALFlush() async throws {
        try await withTwoInstances { _, a, _ in
            let synchronousCommit = try await a.fanout.publisherSetting("synchronous_commit")
            let applicationName = try await a.fanout.publisherSetting("application_name")
            #expect(synchronousCommit == "off")
            #expect(applicationName?.hasSuffix("-notify") == true)
        }
    }

    @Test func largeMessageGoesByReferenceAndArrivesWhole() async throws {
        let big = FanoutFixtures.message(id: "cmsgbig", content: String(repeating: "ü", count: 10_000))
        #expect(RealtimeEnvelope.encode(.messageNew(big), origin: "x").contains(#""ref":{"messageId":"cmsgbig"}"#))
        try await withTwoInstances(rows: ["cmsgbig": big]) { _, a, b in
            await a.fanout.publish(.messageNew(big))
            #expect(await fanoutEventually { !b.realEvents.isEmpty })
            #expect(b.realEvents == [.messageNew(big)])
        }
    }

    @Test func receiverReconnectsAfterItsBackendIsKilled() async throws {
        try await withTwoInstances { settings, a, b in
            let admin = try PostgresBackend.detached(settings: settings)
            defer { Task { await admin.close() } }
            let pidQuery = SQLQuery(
                unsafeSQL: "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = '\(b.fanout.listenerApplicationName)'")
            let before = try await admin.query(pidQuery).map { try $0.int("pid") }
            #expect(before.count == 1)
            let killed = try await admin.query(
                SQLQuery(
                    unsafeSQL:
                        "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = current_database() AND application_name = '\(b.fanout.listenerApplicationName)'"
                ))
            #expect(try killed.map { try $0.bool("ok") } == [true])
            // Events published while B reconnects are lost by design: keep publishing until one lands.
            var n = 0
            let arrived = await fanoutEventually(seconds: 20) {
                n += 1
                await a.fanout.publish(.typingStart(contactId: "after-\(n)", userId: "u"))
                return b.realEvents.contains { $0.contactId.hasPrefix("after-") }
            }
            #expect(arrived)
            let after = try await admin.query(pidQuery).map { try $0.int("pid") }
            #expect(after.count == 1)
            #expect(after != before)
        }
    }

    @Test func cancellingReceiveEndsItAndClosesItsConnection() async throws {
        try await PostgresTestSupport.withDatabase { settings in
            let admin = try PostgresBackend.detached(settings: settings)
            defer { Task { await admin.close() } }
            let instance = try FanoutInstance(settings: settings, origin: "cccccccccccccccc", rows: [:])
            let count = SQLQuery(
                unsafeSQL:
                    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = '\(instance.fanout.listenerApplicationName)'"
            )
            #expect(await fanoutEventually { (try? await admin.query(count).first?.int("n")) == 1 })
            let ended = FanoutCollector()
            let task = instance.task
            Task {
                await task.value
                await ended.append(.typingStop(contactId: "ended", userId: ""))
            }
            task.cancel()
            #expect(await fanoutEventually(seconds: 60) { !ended.events.isEmpty })
            #expect(await fanoutEventually(seconds: 60) { (try? await admin.query(count).first?.int("n")) == 0 })
            await instance.fanout.close()
        }
    }
}

/// One `fcb serve` instance's fan-out, receiving into a collector until stopped.
final class FanoutInstance: Sendable {
    let fanout: PostgresFanout
    let received = FanoutCollector()
    let task: Task<Void, Never>

    init(settings: PostgresSettings, origin: String, rows: [String: MessageRecord]) throws {
        var logger = Logger(label: "fanout-test-\(origin.prefix(1))")
        logger.logLevel = .warning
        // A short keep-alive, so its SELECT 1 runs beside the LISTEN during every test.
        let fanout = try PostgresFanout(
            settings: settings, origin: origin, lookupMessage: { rows[$0] }, keepAliveInterval: .milliseconds(200), logger: logger)
        fanout.runDetached()
        self.fanout = fanout
        let received = received
        task = Task { await fanout.receive(received.append) }
    }

    /// What the test sent, without the warm-up pings.
    var realEvents: [RealtimeEvent] { received.events.filter { !$0.contactId.hasPrefix("ping-") } }

    func stop() async {
        task.cancel()
        await task.value
        await fanout.close()
    }

    /// Returns once each instance has heard the other (so both are LISTENing): events sent
    /// before that could be lost.
    static func warmUp(_ a: FanoutInstance, _ b: FanoutInstance) async throws {
        for (sender, receiver) in [(a, b), (b, a)] {
            var n = 0
            let heard = await fanoutEventually(seconds: 20) {
                n += 1
                await sender.fanout.publish(.typingStart(contactId: "ping-\(n)", userId: "u"))
                return receiver.received.events.contains { $0.contactId.hasPrefix("ping-") }
            }
            try #require(heard, "instance \(receiver.fanout.origin) never heard \(sender.fanout.origin)")
        }
    }
}

/// Without a server: nothing hangs and nothing throws.
@Suite("Realtime fan-out without a database")
struct FanoutUnreachableTests {
    private func unreachable() throws -> PostgresFanout {
        var settings = PostgresSettings(host: "127.0.0.1", port: 1, username: "nobody")
        settings.connectTimeout = .seconds(1)
        let fanout = try PostgresFanout(
            settings: settings, lookupMessage: { _ in nil }, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        fanout.runDetached()
        return fanout
    }

    /// Returning at all is the point (its own 5 s limit); the 120 s guard only stops a hang.
    @Test(.timeLimit(.minutes(2))) func publishGivesUpWithoutAServer() async throws {
        let fanout = try unreachable()
        await fanout.publish(.typingStart(contactId: "c", userId: "u"))
        await fanout.close()
    }

    @Test func cancellingReceiveWhileReconnectingEndsIt() async throws {
        let fanout = try unreachable()
        let ended = FanoutCollector()
        let task = Task { await fanout.receive { _ in } }
        Task {
            await task.value
            await ended.append(.typingStop(contactId: "ended", userId: ""))
        }
        // Let it fail and back off at least once, then cancel wherever it is.
        try await Task.sleep(for: .milliseconds(1_500))
        task.cancel()
        #expect(await fanoutEventually(seconds: 60) { !ended.events.isEmpty })
        await fanout.close()
    }
}
