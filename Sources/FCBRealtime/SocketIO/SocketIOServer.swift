import FlowEngine
import Logging
import Synchronization

/// The Socket.IO v5 layer over Engine.IO: namespaces (each a `SocketIONamespace`), CONNECT and
/// DISCONNECT, binary packets reassembled from their attachments, acks, rooms, and emits to
/// rooms. Invalid input closes only the connection it came on, as socket.io does.
package final class SocketIOServer: EngineIOConnectionHandler {
    package let settings: SocketIOSettings
    let namespaces: [String: any SocketIONamespace]
    let logger: Logger
    private let clock = ContinuousClock()

    /// One socket: a namespace connected on a session.
    struct SocketState {
        let id: String
        let principal: String?
        var rooms: Set<String> = []
    }

    /// One Engine.IO session as this layer sees it.
    struct Connection {
        let session: EngineIOSession
        /// Namespace → its socket on this connection.
        var sockets: [String: SocketState] = [:]
        /// Since when a first CONNECT is awaited; nil once a namespace connected (as in socket.io,
        /// leaving every namespace later does not start the timer again).
        var awaitingConnectSince: ContinuousClock.Instant?
        var assembler: SocketIOMessageAssembler
    }

    struct RoomKey: Hashable {
        let namespace: String
        let room: String
    }

    struct State {
        var connections: [String: Connection] = [:]
        /// Room → its members' Engine.IO sessions by sid (an emit reads the sessions straight
        /// from here, without copying each member's connection record).
        var rooms: [RoomKey: [String: EngineIOSession]] = [:]
    }

    let state = Mutex(State())

    package init(settings: SocketIOSettings = SocketIOSettings(), namespaces: [String: any SocketIONamespace], logger: Logger) {
        self.settings = settings
        self.namespaces = namespaces
        self.logger = logger
    }

    /// fcb serve's server: the dashboard's namespace at `/` (docs/compatibility.md#realtime-events).
    package convenience init(settings: SocketIOSettings = SocketIOSettings(), access: any ConversationAccess, logger: Logger) {
        self.init(
            settings: settings, namespaces: [SocketIOPacket.mainNamespace: DashboardNamespace(settings: settings, access: access, logger: logger)],
            logger: logger)
    }

    /// Sockets connected, over all namespaces.
    package var connectedCount: Int { state.withLock { $0.connections.values.reduce(0) { $0 + $1.sockets.count } } }
    /// Engine.IO sessions known to this layer (connected or not yet).
    package var clientCount: Int { state.withLock { $0.connections.count } }
    package var roomCount: Int { state.withLock { $0.rooms.count } }

    package func members(ofRoom room: String, namespace: String = SocketIOPacket.mainNamespace) -> Int {
        state.withLock { $0.rooms[RoomKey(namespace: namespace, room: room)]?.count ?? 0 }
    }

    // MARK: Engine.IO

    package func engineSessionOpened(_ session: EngineIOSession) {
        let now = clock.now
        let connection = Connection(session: session, awaitingConnectSince: now, assembler: SocketIOMessageAssembler(maxPayload: settings.maxPayload))
        state.withLock { $0.connections[session.id] = connection }
    }

    package func engineSessionClosed(_ session: EngineIOSession, reason: EngineIOCloseReason) {
        let left = state.withLock { s -> [(String, SocketState)] in
            guard let connection = s.connections.removeValue(forKey: session.id) else { return [] }
            for (namespace, socket) in connection.sockets { s.removeMember(session.id, from: socket.rooms, in: namespace) }
            return Array(connection.sockets)
        }
        for (namespace, socket) in left { namespaces[namespace]?.disconnected(handle(socket, namespace: namespace, session: session)) }
    }

    package func engineSession(_ session: EngineIOSession, received message: EngineIOPacket.Body) async {
        // Decoded outside the lock; only the assembler's bookkeeping runs under it.
        var decoded: (packet: SocketIOPacket, size: Int)?
        if case .text(let text) = message {
            do {
                decoded = (try SocketIOPacket(decoding: text, maxAttachments: settings.maxAttachments), text.utf8.count)
            } catch {
                return refuse(session, error.description)
            }
        }
        let assembled = state.withLock { s -> Result<SocketIOMessage?, SocketIOAssemblyError> in
            guard var connection = s.connections[session.id] else { return .success(nil) }
            defer { s.connections[session.id] = connection }
            return Result { () throws(SocketIOAssemblyError) -> SocketIOMessage? in
                switch message {
                case .binary(let bytes): try connection.assembler.receive(attachment: bytes)
                case .text: try decoded.flatMap { d throws(SocketIOAssemblyError) in try connection.assembler.receive(d.packet, textBytes: d.size) }
                }
            }
        }
        switch assembled {
        case .success(nil): return
        case .failure(let error): return refuse(session, error.description)
        case .success(let whole?):
            // Routed synchronously; only an event for a namespace is awaited.
            if let (event, socket, namespace) = route(whole, from: session) { await namespace.received(event, on: socket) }
        }
    }

    /// A malformed or out-of-place packet ends its connection (socket.io closes it too).
    private func refuse(_ session: EngineIOSession, _ reason: String) {
        logger.debug("socket.io: closing a connection", metadata: ["sid": .string(session.id), "reason": .string(reason)])
        session.close(.protocolError)
    }

    /// Routes a whole packet: CONNECT for a namespace not yet connected, anything else for one
    /// that is; every other combination is a protocol error, as in socket.io's client handling.
    /// Returns an event for its namespace to handle.
    private func route(_ message: SocketIOMessage, from session: EngineIOSession) -> (SocketIOEvent, SocketIOSocket, any SocketIONamespace)? {
        let packet = message.packet
        let namespace = packet.namespace
        let socket = state.withLock { $0.connections[session.id]?.sockets[namespace] }
        switch (socket, packet.type) {
        case (nil, .connect):
            connect(session, namespace: namespace, auth: packet.data)
        case (let socket?, .disconnect):
            leave(session, namespace: namespace, socket: socket)
        case (let socket?, .event), (let socket?, .binaryEvent):
            guard let handler = namespaces[namespace], let name = packet.eventName else { return nil }
            let event = SocketIOEvent(name: name, arguments: packet.eventArguments, attachments: message.attachments, ackId: packet.ackId)
            return (event, handle(socket, namespace: namespace, session: session), handler)
        case (_?, .ack), (_?, .binaryAck):
            break  // no namespace here asks clients for acks
        default:
            refuse(session, "a \(packet.type) packet for namespace \(namespace), which this connection is \(socket == nil ? "not" : "already") connected to")
        }
        return nil
    }

    // MARK: Namespaces

    private func connect(_ session: EngineIOSession, namespace name: String, auth: JSONValue?) {
        guard let namespace = namespaces[name] else {
            send(SocketIOPacket(.connectError, namespace: name, data: ["message": "Invalid namespace"]), to: session)
            return
        }
        let request = SocketIOConnectRequest(namespace: name, auth: auth, connection: session.info)
        switch namespace.admit(request) {
        case .refuse(let message, let data):
            var body: JSONObject = ["message": .string(message)]
            if let data { body["data"] = data }
            send(SocketIOPacket(.connectError, namespace: name, data: .object(body)), to: session)
        case .accept(let principal):
            let socket = SocketState(id: SessionID.make(), principal: principal)
            let added = state.withLock { s -> Bool in
                guard s.connections[session.id] != nil, s.connections[session.id]?.sockets[name] == nil else { return false }
                s.connections[session.id]?.sockets[name] = socket
                s.connections[session.id]?.awaitingConnectSince = nil
                return true
            }
            guard added else { return }
            send(SocketIOPacket(.connect, namespace: name, data: ["sid": .string(socket.id)]), to: session)
            namespace.connected(handle(socket, namespace: name, session: session), auth: auth)
        }
    }

    /// The client left a namespace; its rooms there go, the Engine.IO session stays.
    private func leave(_ session: EngineIOSession, namespace: String, socket: SocketState) {
        let removed = state.withLock { s -> SocketState? in
            guard let socket = s.connections[session.id]?.sockets.removeValue(forKey: namespace) else { return nil }
            s.removeMember(session.id, from: socket.rooms, in: namespace)
            return socket
        }
        if let removed { namespaces[namespace]?.disconnected(handle(removed, namespace: namespace, session: session)) }
    }

    private func handle(_ socket: SocketState, namespace: String, session: EngineIOSession) -> SocketIOSocket {
        SocketIOSocket(id: socket.id, namespace: namespace, principal: socket.principal, session: session, server: self)
    }

    func send(_ packet: SocketIOPacket, to session: EngineIOSession) {
        session.send(EngineIOPacket(.message, packet.encoded()))
    }

    // MARK: Rooms

    func rooms(of socket: SocketIOSocket) -> Set<String>? {
        state.withLock { s in
            guard let state = s.connections[socket.session.id]?.sockets[socket.namespace], state.id == socket.id else { return nil }
            return state.rooms
        }
    }

    func join(_ socket: SocketIOSocket, room: String) -> SocketIOJoinOutcome {
        let limit = settings.maxRoomsPerSocket
        return state.withLock { s -> SocketIOJoinOutcome in
            let sid = socket.session.id
            guard let current = s.connections[sid]?.sockets[socket.namespace], current.id == socket.id else { return .gone }
            if current.rooms.contains(room) { return .joined }
            guard current.rooms.count < limit else { return .full }
            s.connections[sid]?.sockets[socket.namespace]?.rooms.insert(room)
            s.rooms[RoomKey(namespace: socket.namespace, room: room), default: [:]][sid] = socket.session
            return .joined
        }
    }

    func leave(_ socket: SocketIOSocket, room: String) {
        state.withLock { s in
            let sid = socket.session.id
            guard s.connections[sid]?.sockets[socket.namespace]?.id == socket.id,
                s.connections[sid]?.sockets[socket.namespace]?.rooms.remove(room) != nil
            else { return }
            s.removeMember(sid, from: [room], in: socket.namespace)
        }
    }

    // MARK: Emitting

    /// Sends an event to every socket in `room`; the packet is encoded once. Returns how many
    /// sockets it was queued for.
    @discardableResult
    package func emit(
        _ event: String, _ arguments: [JSONValue], toRoom room: String, namespace: String = SocketIOPacket.mainNamespace
    ) -> Int {
        let sessions = state.withLock { s -> [EngineIOSession] in
            guard let members = s.rooms[RoomKey(namespace: namespace, room: room)] else { return [] }
            return Array(members.values)
        }
        guard !sessions.isEmpty else { return 0 }
        let packet = EngineIOPacket.broadcast(.message, SocketIOPacket.event(event, arguments, namespace: namespace).encoded())
        var queued = 0
        for session in sessions where session.send(packet) { queued += 1 }
        return queued
    }

    @discardableResult
    package func emit(_ event: String, _ argument: JSONValue, toRoom room: String) -> Int {
        emit(event, [argument], toRoom: room)
    }

    @discardableResult
    package func emit(_ event: RealtimeEvent) -> Int {
        emit(event.name, [event.payload], toRoom: event.room)
    }

    /// Closes sessions that never connected to a namespace, until cancelled.
    package func runConnectTimeouts() async {
        let interval = min(max(settings.connectTimeout / 10, .milliseconds(10)), .seconds(1))
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            let deadline = clock.now - settings.connectTimeout
            let late = state.withLock { s in
                s.connections.values.filter { ($0.awaitingConnectSince.map { $0 <= deadline }) ?? false }.map(\.session)
            }
            for session in late { session.close(.serverClose) }
        }
    }
}

extension SocketIOServer.State {
    /// Takes session `sid` out of each of `memberships` (rooms of `namespace`); empty rooms go.
    mutating func removeMember(_ sid: String, from memberships: Set<String>, in namespace: String) {
        for room in memberships {
            let key = SocketIOServer.RoomKey(namespace: namespace, room: room)
            rooms[key]?.removeValue(forKey: sid)
            if rooms[key]?.isEmpty == true { rooms[key] = nil }
        }
    }
}
