import FlowEngine
import Logging
import Synchronization

/// The Socket.IO v5 layer over Engine.IO: the default namespace only, CONNECT with the
/// dashboard's token, rooms, the dashboard's join/leave events, and emits to rooms.
package final class SocketIOServer: EngineIOConnectionHandler {
    package let settings: SocketIOSettings
    let access: any ConversationAccess
    let logger: Logger
    private let clock = ContinuousClock()

    struct Client {
        let session: EngineIOSession
        /// Set once the namespace CONNECT succeeded.
        var socketId: String?
        /// The token's user (nil when the server is open).
        var userId: String?
        var rooms: Set<String> = []
        var refusedJoins = 0
        /// Since when a CONNECT is awaited (nil while connected).
        var awaitingConnectSince: ContinuousClock.Instant?
    }

    struct State {
        var clients: [String: Client] = [:]
        /// Room → Engine.IO session ids.
        var rooms: [String: Set<String>] = [:]
    }

    let state = Mutex(State())

    package init(settings: SocketIOSettings = SocketIOSettings(), access: any ConversationAccess, logger: Logger) {
        self.settings = settings
        self.access = access
        self.logger = logger
    }

    /// Sockets connected to the namespace.
    package var connectedCount: Int { state.withLock { $0.clients.values.count { $0.socketId != nil } } }
    /// Engine.IO sessions known to this layer (connected or not yet).
    package var clientCount: Int { state.withLock { $0.clients.count } }
    package var roomCount: Int { state.withLock { $0.rooms.count } }

    package func members(ofRoom room: String) -> Int { state.withLock { $0.rooms[room]?.count ?? 0 } }

    // MARK: Engine.IO

    package func engineSessionOpened(_ session: EngineIOSession) {
        let now = clock.now
        state.withLock { $0.clients[session.id] = Client(session: session, awaitingConnectSince: now) }
    }

    package func engineSessionClosed(_ session: EngineIOSession, reason: EngineIOCloseReason) {
        state.withLock { s in
            guard let client = s.clients.removeValue(forKey: session.id) else { return }
            for room in client.rooms { s.removeMember(session.id, from: room) }
        }
    }

    package func engineSession(_ session: EngineIOSession, received message: EngineIOPacket.Body) async {
        guard case .text(let text) = message else {
            // Binary attachments only follow BINARY_EVENT headers, which fcb does not accept.
            logger.debug("socket.io: binary message refused", metadata: ["sid": .string(session.id)])
            session.close(.protocolError)
            return
        }
        let packet: SocketIOPacket
        do {
            packet = try SocketIOPacket(decoding: text)
        } catch {
            logger.debug("socket.io: malformed packet", metadata: ["sid": .string(session.id), "error": .string(error.description)])
            session.close(.protocolError)
            return
        }
        guard packet.namespace == SocketIOPacket.mainNamespace else {
            if packet.type == .connect {
                send(SocketIOPacket(.connectError, namespace: packet.namespace, data: ["message": "Invalid namespace"]), to: session)
            }
            return
        }
        let connected = state.withLock { $0.clients[session.id]?.socketId != nil }
        switch packet.type {
        case .connect:
            if !connected { connect(session, auth: packet.data) }
        case .disconnect:
            disconnect(session)
        case .event where connected:
            await handleEvent(packet, from: session)
        case .ack where connected:
            break  // fcb never asks the client for acks
        default:
            // Anything before CONNECT, or a packet only servers send.
            session.close(.protocolError)
        }
    }

    // MARK: Namespace

    private func connect(_ session: EngineIOSession, auth: JSONValue?) {
        var userId: String?
        if let verifier = settings.tokenVerifier {
            let token = auth?["token"]?.stringValue ?? session.info.bearerToken ?? session.info.query["token"]
            guard let token, !token.isEmpty else {
                refuseConnect(session, reason: "a token is required (auth.token, Authorization: Bearer, or ?token=)")
                return
            }
            do {
                userId = try verifier.verify(token).userId
            } catch {
                refuseConnect(session, reason: error.description)
                return
            }
        }
        let socketId = SessionID.make()
        let stillOpen = state.withLock { s -> Bool in
            guard s.clients[session.id] != nil else { return false }
            s.clients[session.id]?.socketId = socketId
            s.clients[session.id]?.userId = userId
            s.clients[session.id]?.awaitingConnectSince = nil
            return true
        }
        guard stillOpen else { return }
        send(SocketIOPacket(.connect, data: ["sid": .string(socketId)]), to: session)
        logger.debug("socket.io connected", metadata: ["sid": .string(session.id), "user": .string(userId ?? "-")])
    }

    /// CONNECT_ERROR as socket.io's middleware errors look: `{"message","data"}`. The client
    /// gives up on this connection; without a new CONNECT the connect timeout closes it.
    private func refuseConnect(_ session: EngineIOSession, reason: String) {
        logger.info("socket.io connection refused", metadata: ["sid": .string(session.id), "reason": .string(reason)])
        send(SocketIOPacket(.connectError, data: ["message": "Not authorized", "data": ["reason": .string(reason)]]), to: session)
    }

    /// The client left the namespace; its rooms go, the Engine.IO session stays until it closes.
    private func disconnect(_ session: EngineIOSession) {
        let now = clock.now
        state.withLock { s in
            guard let client = s.clients[session.id] else { return }
            for room in client.rooms { s.removeMember(session.id, from: room) }
            s.clients[session.id] = Client(session: session, awaitingConnectSince: now)
        }
    }

    func send(_ packet: SocketIOPacket, to session: EngineIOSession) {
        session.send(EngineIOPacket(.message, packet.encoded()))
    }

    // MARK: Emitting

    /// Sends an event to every socket in `room`; the packet is encoded once. Returns how many
    /// sockets it was queued for.
    @discardableResult
    package func emit(_ event: String, _ argument: JSONValue, toRoom room: String) -> Int {
        let sessions = state.withLock { s -> [EngineIOSession] in
            guard let members = s.rooms[room] else { return [] }
            return members.compactMap { s.clients[$0]?.session }
        }
        guard !sessions.isEmpty else { return 0 }
        let packet = EngineIOPacket(.message, SocketIOPacket.event(event, [argument]).encoded())
        var queued = 0
        for session in sessions where session.send(packet) { queued += 1 }
        return queued
    }

    @discardableResult
    package func emit(_ event: RealtimeEvent) -> Int {
        emit(event.name, event.payload, toRoom: event.room)
    }

    /// Closes sessions that never connected to the namespace, until cancelled.
    package func runConnectTimeouts() async {
        let interval = min(max(settings.connectTimeout / 10, .milliseconds(10)), .seconds(1))
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            let deadline = clock.now - settings.connectTimeout
            let late = state.withLock { s in
                s.clients.values.filter { ($0.awaitingConnectSince.map { $0 <= deadline }) ?? false }.map(\.session)
            }
            for session in late { session.close(.serverClose) }
        }
    }
}

extension SocketIOServer.State {
    mutating func removeMember(_ sid: String, from room: String) {
        rooms[room]?.remove(sid)
        if rooms[room]?.isEmpty == true { rooms[room] = nil }
    }
}
