import FCBStore
import FCBSupport
import FlowEngine
import Foundation
import Logging
import NIOSSL
import PostgresNIO
import Synchronization

/// Realtime fan-out over PostgreSQL LISTEN/NOTIFY on channel ``RealtimeEnvelope/channel``, for
/// several `fcb serve` processes sharing one database.
///
/// - ``publish(_:)`` only queues the event; ``run()`` sends what is queued in order, up to
///   ``batchSize`` envelopes in one statement (`SELECT pg_notify($1, $2), pg_notify($1, $3), …`:
///   one round trip and one transaction for many events — a busy pipeline publishes a few events
///   per message), on a small `PostgresClient` pool (two connections at most). A statement gives
///   up after 5 s (the pool would otherwise wait quietly for a server that is down); events
///   queued beyond ``queueLimit`` while the database is slow are dropped, oldest first (logged).
/// - ``receive(_:)`` holds one dedicated connection (application_name ``listenerApplicationName``)
///   that LISTENs, checks itself with `SELECT 1` every ``keepAliveInterval`` (a silently dead TCP
///   connection would otherwise never deliver again), and reconnects with jittered backoff.
/// - PostgreSQL delivers a NOTIFY to every listener, the sender's own sessions included, so each
///   envelope names its ``origin`` and receivers skip their own: this instance's sockets already
///   got the event from the local bus, and must not get it twice.
/// - A NOTIFY payload must stay under 8000 bytes, so a large `message:new` (long text, big
///   payload) is sent by reference — just the message id — and receivers re-read the row, which is
///   already committed in the shared database, through `lookupMessage`.
///
/// Delivery is at most once: events published while a receiver reconnects are lost for it (the
/// dashboard also polls). The publishing pool works while ``run()`` runs (the realtime server
/// runs it in its own task group, inside `fcb serve`'s service group).
package final class PostgresFanout: RealtimeFanout {
    /// Tells this process's envelopes from the others' (16 random hex digits unless given).
    package let origin: String
    /// How this process's own envelopes begin.
    let ownPrefix: String
    /// The listening session's `application_name`, so operators (and tests) can find it.
    package let listenerApplicationName: String
    let keepAliveInterval: Duration
    let lookupMessage: @Sendable (String) async throws -> MessageRecord?
    let logger: Logger
    let listenConfiguration: PostgresConnection.Configuration
    private let publisher: PostgresClient
    /// Set only by ``runDetached()`` (tests); ``close()`` ends it.
    private let detachedRun = DetachedRun()
    let publishTimeout: Duration = .seconds(5)
    /// Envelopes per `pg_notify` statement.
    let batchSize = 32
    /// Events waiting to be sent, at most this many.
    let queueLimit = 10_000
    private let queue = Mutex<[(name: String, envelope: String)]>([])
    private let queued = Doorbell()
    let droppedEvents = LogThrottle(level: .warning)
    let publishFailures = LogThrottle(level: .warning)
    let ignoredEnvelopes = LogThrottle(level: .warning)

    /// - Parameter lookupMessage: reads a Message row by id (the store's `message(id:)`), for
    ///   envelopes sent by reference. A `nil` result or an error drops that event (logged).
    package init(
        settings: PostgresSettings, origin: String? = nil,
        lookupMessage: @escaping @Sendable (String) async throws -> MessageRecord?,
        keepAliveInterval: Duration = .seconds(30), logger: Logger
    ) throws(StoreError) {
        let origin = origin ?? Self.randomOrigin()
        self.origin = origin
        ownPrefix = RealtimeEnvelope.prefix(origin: origin)
        self.lookupMessage = lookupMessage
        self.keepAliveInterval = keepAliveInterval
        self.logger = logger
        // The server truncates application_name to 63 bytes; keep the origin in what survives.
        listenerApplicationName = String(decoding: "fcb-listen-\(origin)".utf8.prefix(63), as: UTF8.self)
        listenConfiguration = try settings.connectionConfiguration(startupParameters: [("application_name", listenerApplicationName)])
        // Realtime events are best effort (at most once, see above): their commits need not wait
        // for the WAL flush. Each pg_notify is its own transaction, five per inbound message, and
        // waiting for five fsyncs per message took a quarter of the pipeline's commits.
        let configuration = try settings.clientConfiguration(
            startupParameters: [("application_name", "\(settings.applicationName)-notify"), ("synchronous_commit", "off")],
            maximumConnections: 2)
        publisher = PostgresClient(configuration: configuration, backgroundLogger: logger)
    }

    /// Runs the publishing pool, and sends queued events, until the calling task is cancelled.
    package func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.publisher.run() }
            group.addTask { await self.sendQueued() }
        }
    }

    /// Runs the publishing pool in a task of its own until ``close()`` (tests).
    package func runDetached() {
        detachedRun.start { await self.run() }
    }

    /// Ends a detached run; ``publish(_:)`` fails (logged) afterwards.
    package func close() async {
        await detachedRun.stop()
    }

    /// Queues `event` for the other instances; ``run()`` sends it.
    package func publish(_ event: RealtimeEvent) async {
        let envelope = RealtimeEnvelope.encode(event, origin: origin)
        let dropped = queue.withLock { q -> Int in
            q.append((event.name, envelope))
            let over = max(0, q.count - queueLimit)
            q.removeFirst(over)
            return over
        }
        if dropped > 0 {
            let (level, count) = droppedEvents.next()
            logger.log(level: level, "realtime fan-out: the database is slow, \(dropped) event(s) not sent to other instances (#\(count))")
        }
        queued.ring()
    }

    /// Sends queued events in order, a batch per statement, until cancelled.
    private func sendQueued() async {
        while !Task.isCancelled {
            let batch = queue.withLock { q -> [(name: String, envelope: String)] in
                let taken = Array(q.prefix(batchSize))
                q.removeFirst(taken.count)
                return taken
            }
            guard !batch.isEmpty else {
                await queued.wait(upTo: .seconds(1))
                continue
            }
            await send(batch)
        }
    }

    private func send(_ batch: [(name: String, envelope: String)]) async {
        let channel = RealtimeEnvelope.channel
        // Bound parameters: envelopes hold user text and are never spliced into SQL.
        var sql = "SELECT "
        var binds = PostgresBindings(capacity: batch.count + 1)
        binds.append(channel)
        for (index, item) in batch.enumerated() {
            sql += (index == 0 ? "" : ", ") + "pg_notify($1, $\(index + 2))"
            binds.append(item.envelope)
        }
        let query = PostgresQuery(unsafeSQL: sql, binds: binds)
        do {
            try await withDeadline(
                publishTimeout, onTimeout: { StoreError(.unavailable, "pg_notify did not answer within 5 s") }
            ) { [publisher, logger] in
                let rows = try await publisher.query(query, logger: logger)
                for try await _ in rows {}
            }
        } catch {
            let (level, count) = publishFailures.next()
            let names = Set(batch.map(\.name)).sorted().joined(separator: ", ")
            logger.log(
                level: level, "realtime fan-out: \(batch.count) event(s) (\(names)) not sent to other instances (failure #\(count))",
                metadata: ["error": "\(String(reflecting: error))"])
        }
    }

    /// A setting as the publishing connections see it (tests).
    func publisherSetting(_ name: String) async throws -> String? {
        let rows = try await publisher.query("SELECT current_setting(\(name)) AS value", logger: logger)
        for try await value in rows.decode(String.self) { return value }
        return nil
    }

    static func randomOrigin() -> String {
        let hex = String(UInt64.random(in: .min ... .max), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
