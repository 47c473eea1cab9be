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
/// - Publishing runs `SELECT pg_notify($1, $2)` on a small `PostgresClient` pool (two
///   connections at most), so an event costs one round trip on a warm connection. It gives up
///   after 5 s (the pool would otherwise wait quietly for a server that is down), so a caller
///   waits at most that long, even when cancelled.
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

    /// Runs the publishing pool until the calling task is cancelled.
    package func run() async {
        await publisher.run()
    }

    /// Runs the publishing pool in a task of its own until ``close()`` (tests).
    package func runDetached() {
        let publisher = publisher
        detachedRun.start { await publisher.run() }
    }

    /// Ends a detached run; ``publish(_:)`` fails (logged) afterwards.
    package func close() async {
        await detachedRun.stop()
    }

    package func publish(_ event: RealtimeEvent) async {
        let envelope = RealtimeEnvelope.encode(event, origin: origin)
        let channel = RealtimeEnvelope.channel
        do {
            try await withDeadline(
                publishTimeout, onTimeout: { StoreError(.unavailable, "pg_notify did not answer within 5 s") }
            ) { [publisher, logger] in
                // Bound parameters: the envelope holds user text and is never spliced into SQL.
                let rows = try await publisher.query("SELECT pg_notify(\(channel), \(envelope))", logger: logger)
                for try await _ in rows {}
            }
        } catch {
            let (level, count) = publishFailures.next()
            logger.log(
                level: level, "realtime fan-out: \(event.name) not sent to other instances (failure #\(count))",
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
