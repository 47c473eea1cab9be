import FCBSupport
import FlowEngine
import Logging
import PostgresNIO

extension PostgresFanout {
    package func receive(_ deliver: @escaping @Sendable (RealtimeEvent) async -> Void) async {
        var failures = 0
        while !Task.isCancelled {
            var listened = false
            do {
                try await listenSession(deliver, listened: &listened)
                if Task.isCancelled { break }
                logger.warning("realtime fan-out: listening connection ended; reconnecting")
            } catch {
                if Task.isCancelled { break }
                logger.warning(
                    "realtime fan-out: listening connection failed; reconnecting",
                    metadata: ["error": "\(String(reflecting: error))"])
            }
            // A session that got as far as LISTEN was healthy: start the backoff over.
            failures = listened ? 1 : failures + 1
            try? await Task.sleep(for: Self.backoff(failures: failures))
        }
    }

    /// 0.5 s, 1 s, 2 s, 4 s, then 5 s, each ±25 % (so instances do not reconnect in lockstep),
    /// kept within 0.5 s … 5 s.
    static func backoff(failures: Int) -> Duration {
        let base = 0.5 * Double(1 << min(max(failures - 1, 0), 4))
        let seconds = min(max(base * Double.random(in: 0.75...1.25), 0.5), 5)
        return .milliseconds(Int((seconds * 1000).rounded()))
    }

    /// One connection: LISTEN, deliver until it fails or the task is cancelled, then close it.
    private func listenSession(
        _ deliver: @escaping @Sendable (RealtimeEvent) async -> Void, listened: inout Bool
    ) async throws {
        let connection = try await PostgresConnection.connect(configuration: listenConfiguration, id: 1, logger: logger)
        do {
            try await connection.listen(on: RealtimeEnvelope.channel) { notifications in
                listened = true
                logger.debug("realtime fan-out: listening", metadata: ["origin": "\(origin)"])
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        // Sequential on purpose: events reach the sockets in the order they were sent.
                        for try await notification in notifications {
                            await self.handle(notification.payload, deliver)
                        }
                    }
                    group.addTask { try await self.keepAlive(connection) }
                    // Whichever ends first (stream closed or failed, probe failed) ends the session.
                    defer { group.cancelAll() }
                    try await group.next()
                }
            }
        } catch {
            try? await connection.close()
            throw error
        }
        try? await connection.close()
    }

    /// Fails when the connection stops answering; runs until cancelled otherwise.
    private func keepAlive(_ connection: PostgresConnection) async throws {
        let limit = publishTimeout
        while true {
            try await Task.sleep(for: keepAliveInterval)
            try await withDeadline(
                limit, onTimeout: { StoreError(.unavailable, "listening connection did not answer SELECT 1") }
            ) { [logger] in
                let rows = try await connection.query("SELECT 1", logger: logger)
                for try await _ in rows {}
            }
        }
    }

    func handle(_ payload: String, _ deliver: @Sendable (RealtimeEvent) async -> Void) async {
        // PostgreSQL delivers this instance's own notifications back to it: skip them before
        // decoding (``RealtimeEnvelope/encode(_:origin:)`` writes the version and origin first).
        if payload.utf8.starts(with: ownPrefix.utf8) { return }
        let envelope: RealtimeEnvelope.Decoded
        do {
            envelope = try RealtimeEnvelope.decode(payload)
        } catch {
            let (level, count) = ignoredEnvelopes.next()
            logger.log(
                level: level, "realtime fan-out: ignored a notification (#\(count))",
                metadata: ["reason": "\(error)", "bytes": "\(payload.utf8.count)"])
            return
        }
        guard envelope.origin != origin else { return }
        do {
            guard let event = try await envelope.content.resolve(lookup: lookupMessage) else {
                logger.warning("realtime fan-out: referenced message not found; event dropped", metadata: ["envelope": "\(payload)"])
                return
            }
            await deliver(event)
        } catch {
            logger.warning(
                "realtime fan-out: referenced message could not be read; event dropped",
                metadata: ["envelope": "\(payload)", "error": "\(String(reflecting: error))"])
        }
    }
}
