import FlowEngine
import Logging
import Synchronization

/// fcb serve's namespace `/` (docs/compatibility.md#realtime-events): CONNECT with the
/// dashboard's token when `JWT_SECRET` is set, and `join:conversation` / `leave:conversation`
/// whose argument is the bare contact id. Answers go to the ack when the client asked for one,
/// else refusals are emitted as `join:error`.
package final class DashboardNamespace: SocketIONamespace {
    let settings: SocketIOSettings
    let access: any ConversationAccess
    let logger: Logger
    /// Refused joins per socket id; only sockets with a refusal have an entry.
    private let refusals = Mutex<[String: Int]>([:])

    package init(settings: SocketIOSettings, access: any ConversationAccess, logger: Logger) {
        self.settings = settings
        self.access = access
        self.logger = logger
    }

    package func admit(_ request: SocketIOConnectRequest) -> SocketIOAdmission {
        guard let verifier = settings.tokenVerifier else { return .accept(principal: nil) }
        let token = request.auth?["token"]?.stringValue ?? request.connection.bearerToken ?? request.connection.query["token"]
        guard let token, !token.isEmpty else {
            return refuseConnect(request, reason: "a token is required (auth.token, Authorization: Bearer, or ?token=)")
        }
        do {
            return .accept(principal: try verifier.verify(token).userId)
        } catch {
            return refuseConnect(request, reason: error.description)
        }
    }

    /// As socket.io's middleware errors look: `{"message","data"}`. The client gives up on this
    /// connection; without a new CONNECT the connect timeout closes it.
    private func refuseConnect(_ request: SocketIOConnectRequest, reason: String) -> SocketIOAdmission {
        logger.info("socket.io connection refused", metadata: ["reason": .string(reason)])
        return .refuse(message: "Not authorized", data: ["reason": .string(reason)])
    }

    package func disconnected(_ socket: SocketIOSocket) {
        refusals.withLock { _ = $0.removeValue(forKey: socket.id) }
    }

    package func received(_ event: SocketIOEvent, on socket: SocketIOSocket) async {
        let argument = event.arguments.first
        switch event.name {
        case ConversationRooms.join:
            // Only a join that needs the owner's lookup awaits; the rest answers synchronously.
            switch prepareJoin(argument, socket: socket) {
            case .answer(let answer): answerJoin(answer, event: event, socket: socket)
            case .lookUpOwner(let contactId, let userId):
                let answer = await joinIfOwner(contactId, userId: userId, socket: socket)
                answerJoin(answer, event: event, socket: socket)
            }
        case ConversationRooms.leave:
            socket.acknowledge(event, [leave(argument, socket: socket)])
        default:
            socket.acknowledge(event, [["ok": false, "error": .string("unknown event \"\(event.name)\"")]])
        }
    }

    /// The ack, or for a refusal without an ack id the `join:error` event.
    private func answerJoin(_ answer: JSONValue, event: SocketIOEvent, socket: SocketIOSocket) {
        if event.ackId == nil, answer["ok"] == .bool(false) {
            var refusal: JSONObject = ["error": answer["error"] ?? .null]
            if let contactId = event.arguments.first?.stringValue { refusal["contactId"] = .string(contactId) }
            socket.emit(ConversationRooms.joinError, [.object(refusal)])
        }
        socket.acknowledge(event, [answer])
    }

    private enum JoinStep {
        case answer(JSONValue)
        /// The token's user may join only its own contact's room.
        case lookUpOwner(contactId: String, userId: String)
    }

    private func prepareJoin(_ argument: JSONValue?, socket: SocketIOSocket) -> JoinStep {
        guard let contactId = argument?.stringValue, ConversationRooms.isPlausibleContactId(contactId) else {
            return .answer(
                refuse(socket, "the argument must be a contact id (a non-empty string of at most \(ConversationRooms.maxContactIdBytes) bytes)"))
        }
        let room = ConversationRooms.room(contactId: contactId)
        guard let rooms = socket.rooms else { return .answer(["ok": false, "error": "disconnected"]) }
        if rooms.contains(room) { return .answer(["ok": true, "room": .string(room)]) }
        guard rooms.count < settings.maxRoomsPerSocket else { return .answer(full(socket)) }
        if let userId = socket.principal { return .lookUpOwner(contactId: contactId, userId: userId) }
        return .answer(join(room, socket: socket))
    }

    private func joinIfOwner(_ contactId: String, userId: String, socket: SocketIOSocket) async -> JSONValue {
        let owner: String?
        do {
            owner = try await access.ownerOfContact(contactId)
        } catch {
            logger.warning("socket.io: cannot check a join", metadata: ["contact": .string(contactId), "error": .string("\(error)")])
            return ["ok": false, "error": "the conversation cannot be checked right now; try again"]
        }
        // One answer for "no such contact" and "another user's contact": ids are not probed.
        guard owner == userId else { return refuse(socket, "not allowed to join this conversation") }
        return join(ConversationRooms.room(contactId: contactId), socket: socket)
    }

    private func join(_ room: String, socket: SocketIOSocket) -> JSONValue {
        switch socket.join(room) {
        case .joined: ["ok": true, "room": .string(room)]
        case .full: full(socket)
        case .gone: ["ok": false, "error": "disconnected"]
        }
    }

    private func full(_ socket: SocketIOSocket) -> JSONValue {
        refuse(socket, "this socket is already in \(settings.maxRoomsPerSocket) rooms; leave one first")
    }

    private func leave(_ argument: JSONValue?, socket: SocketIOSocket) -> JSONValue {
        guard let contactId = argument?.stringValue else {
            return ["ok": false, "error": "the argument must be a contact id"]
        }
        let room = ConversationRooms.room(contactId: contactId)
        socket.leave(room)
        return ["ok": true, "room": .string(room)]
    }

    /// Counts the refusal; past `maxRefusedJoins` the socket is cut off (a flood of guesses).
    private func refuse(_ socket: SocketIOSocket, _ reason: String) -> JSONValue {
        let count = refusals.withLock { r -> Int in
            r[socket.id, default: 0] += 1
            return r[socket.id] ?? 0
        }
        if count > settings.maxRefusedJoins {
            logger.info("socket.io: too many refused joins, disconnecting", metadata: ["sid": .string(socket.session.id)])
            socket.disconnect()
        }
        return ["ok": false, "error": .string(reason)]
    }
}
