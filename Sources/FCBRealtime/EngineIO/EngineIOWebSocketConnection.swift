import Synchronization

/// One accepted WebSocket's Engine.IO side, free of any framework and of tasks: whoever reads
/// the socket hands each whole message to `received` and calls `ended` once the socket is gone.
/// Heartbeat answers are taken at once; every other packet comes back as `.process`, for the
/// caller to run through `EngineIOServer.receive` in order (docs/realtime.md#memory).
package final class EngineIOWebSocketConnection: Sendable {
    package let session: EngineIOSession
    let server: EngineIOServer
    let writer: any EngineIOPacketWriter
    /// Still the probe of a polling session (`2probe` / `5` expected).
    private let probing: Mutex<Bool>

    init(session: EngineIOSession, server: EngineIOServer, writer: any EngineIOPacketWriter, probing: Bool) {
        self.session = session
        self.server = server
        self.writer = writer
        self.probing = Mutex(probing)
    }

    package enum Step: Sendable, Equatable {
        /// Handled; read on.
        case next
        /// A packet for `EngineIOServer.receive`, after those handed out before it.
        case process(EngineIOPacket)
        /// The WebSocket must end (the session is closed or the probe failed).
        case stop
    }

    package func received(_ frame: EngineIOFrame) -> Step {
        if probing.withLock({ $0 }) {
            // `2probe` → `3probe` (and polls end with a noop), then `5`.
            switch frame {
            case .text("2probe"):
                writer.write([EngineIOPacket(.pong, "probe")])
                session.probeReceived()
                return .next
            case .text("5"):
                guard session.completeUpgrade(writer: writer) else { return .stop }
                probing.withLock { $0 = false }
                return .next
            default:
                server.logger.debug("engine.io: invalid upgrade packet", metadata: ["sid": .string(session.id)])
                return .stop
            }
        }
        let packet: EngineIOPacket
        switch frame {
        case .binary(let bytes): packet = .binary(bytes)
        case .text(let text):
            guard text.utf8.count <= server.settings.maxPayload, let decoded = try? EngineIOPacket(decoding: text) else {
                session.close(.protocolError)
                return .stop
            }
            packet = decoded
        }
        switch packet.type {
        case .pong:
            session.receivedPong(now: server.now, pingInterval: server.settings.pingInterval)
            return .next
        case .noop, .ping:
            return .next
        default:
            return .process(packet)
        }
    }

    /// The socket is gone: a probe is abandoned (the session stays on polling), a session on
    /// WebSocket closes.
    package func ended(_ reason: EngineIOCloseReason) {
        if probing.withLock({ $0 }) {
            session.abandonUpgrade(probe: writer)
        } else {
            session.close(reason)
        }
    }
}

extension EngineIOServer {
    /// Starts serving an accepted WebSocket: a new session (its open packet is written at once),
    /// or the probe of a polling session. Nil when there is nothing to serve (the session is
    /// gone or already upgraded, or the server is shutting down): the caller closes the socket.
    package func acceptWebSocket(_ plan: EngineIOWebSocketPlan, writer: any EngineIOPacketWriter) -> EngineIOWebSocketConnection? {
        switch plan {
        case .fresh(let info):
            guard let session = openSession(info: info, transport: .websocket) else { return nil }
            writer.write([settings.handshake(sid: session.id, upgrades: []).packet])
            // False only when already closed (then what was queued went out with the open packet).
            guard session.attach(writer) else { return nil }
            return EngineIOWebSocketConnection(session: session, server: self, writer: writer, probing: false)
        case .alreadyUpgraded:
            return nil
        case .upgrade(let session):
            // A second probe while one is under way is closed the same way.
            guard session.beginUpgrade(probe: writer, deadline: now + settings.upgradeTimeout) else { return nil }
            return EngineIOWebSocketConnection(session: session, server: self, writer: writer, probing: true)
        }
    }
}
