import Logging
import Metrics
import Synchronization

/// The Engine.IO v4 server: sessions, handshakes, packets in both directions, heartbeats.
/// The HTTP framework hands it polling requests (`handlePolling`) and upgraded WebSockets
/// (`serveWebSocket`); the layer above (`EngineIOConnectionHandler`) sees sessions and messages.
package final class EngineIOServer: Sendable {
    package let settings: EngineIOSettings
    package let cors: CORSPolicy
    let handler: any EngineIOConnectionHandler
    package let logger: Logger
    private let clock = ContinuousClock()

    private struct Registry {
        var sessions: [String: EngineIOSession] = [:]
        var shuttingDown = false
    }

    private let registry = Mutex(Registry())
    /// Sessions with queued WebSocket packets, for `runInboxes`.
    private let drains = AsyncStream<EngineIOSession>.makeStream()

    package init(settings: EngineIOSettings = EngineIOSettings(), handler: any EngineIOConnectionHandler, logger: Logger) {
        self.settings = settings
        self.cors = CORSPolicy(allowedOrigins: settings.allowedOrigins)
        self.handler = handler
        self.logger = logger
    }

    /// Open sessions (both transports).
    package var sessionCount: Int { registry.withLock { $0.sessions.count } }

    package func session(id: String) -> EngineIOSession? { registry.withLock { $0.sessions[id] } }

    var now: ContinuousClock.Instant { clock.now }

    /// Registers a new session and tells the layer above; nil while shutting down.
    func openSession(info: EngineIOConnectionInfo, transport: EngineIOSession.Transport) -> EngineIOSession? {
        let session = EngineIOSession(
            id: SessionID.make(), info: info, transport: transport, settings: settings, now: clock.now,
            onClose: { [weak self] session, reason in self?.sessionDidClose(session, reason: reason) })
        let accepted = registry.withLock { r -> Bool in
            guard !r.shuttingDown else { return false }
            r.sessions[session.id] = session
            Self.recordConnections(r.sessions.count)
            return true
        }
        guard accepted else { return nil }
        logger.debug("engine.io session opened", metadata: ["sid": .string(session.id), "transport": .string(transport.rawValue)])
        handler.engineSessionOpened(session)
        return session
    }

    private func sessionDidClose(_ session: EngineIOSession, reason: EngineIOCloseReason) {
        registry.withLock { r in
            r.sessions.removeValue(forKey: session.id)
            Self.recordConnections(r.sessions.count)
        }
        logger.debug("engine.io session closed", metadata: ["sid": .string(session.id), "reason": .string(reason.rawValue)])
        handler.engineSessionClosed(session, reason: reason)
    }

    /// `/metrics`: `fcb_socketio_connections`, the open Engine.IO sessions (both transports).
    /// Recorded under the registry's lock, so the last value recorded is always the current count.
    static let connectionsGauge = "fcb_socketio_connections"

    private static func recordConnections(_ count: Int) {
        Gauge(label: connectionsGauge).record(count)
    }

    /// One packet from the client, on either transport. False when the session must close.
    func receive(_ packet: EngineIOPacket, from session: EngineIOSession) async -> Bool {
        switch packet.type {
        case .pong:
            session.receivedPong(now: clock.now, pingInterval: settings.pingInterval)
        case .message:
            await handler.engineSession(session, received: packet.body)
        case .close:
            session.close(.clientClose)
            return false
        case .noop, .ping:
            // v4 clients do not ping; tolerated, as the reference server does.
            break
        case .open, .upgrade:
            logger.debug("engine.io: unexpected packet", metadata: ["sid": .string(session.id), "type": .stringConvertible(packet.type.rawValue)])
            session.close(.protocolError)
            return false
        }
        return !session.isClosed
    }

    /// A packet a WebSocket's channel handler read (`EngineIOWebSocketConnection.Step.process`):
    /// queued on its session and processed in order by `runInboxes`, so an idle WebSocket needs
    /// no task at all.
    package func enqueue(_ packet: EngineIOPacket, from session: EngineIOSession) {
        if session.enqueueInbound(packet) == .drainNeeded { drains.continuation.yield(session) }
    }

    /// Works through queued WebSocket packets, one task per session while it has some, until
    /// cancelled (run once, by `EngineIOService`).
    package func runInboxes() async {
        await withDiscardingTaskGroup { group in
            for await session in drains.stream {
                group.addTask {
                    while let packet = session.nextInbound() {
                        guard await self.receive(packet, from: session) else { continue }
                    }
                }
            }
        }
    }

    /// Sends due pings and closes sessions whose pong is late, until cancelled.
    package func runHeartbeat() async {
        let interval = settings.sweepInterval
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            let now = clock.now
            let sessions = registry.withLock { Array($0.sessions.values) }
            for session in sessions {
                session.expiredProbe(now: now)?.close()
                switch session.heartbeat(now: now, pingTimeout: settings.pingTimeout) {
                case .none: break
                case .ping: session.send(EngineIOPacket(.ping))
                case .timedOut: session.close(.pingTimeout)
                }
            }
        }
    }

    /// Refuses new sessions and closes every open one (polling clients get a `close` packet).
    package func shutdown() {
        let sessions = registry.withLock { r -> [EngineIOSession] in
            r.shuttingDown = true
            return Array(r.sessions.values)
        }
        for session in sessions { session.close(.serverShutdown) }
    }
}

/// Session and socket ids: 120 random bits in URL-safe base64 (20 characters), like the
/// reference server's, unguessable because a sid is the only credential of a polling session.
enum SessionID {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: 15)
        for i in bytes.indices { bytes[i] = generator.next() }
        return Base64URL.encode(bytes)
    }
}
