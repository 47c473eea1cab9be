import FlowEngine

/// `join:conversation` / `leave:conversation` (docs/compatibility.md#realtime-events): the argument
/// is the bare contact id. Answers go to the ack when the client asked for one, else refusals are
/// emitted as `join:error`.
extension SocketIOServer {
    func handleEvent(_ packet: SocketIOPacket, from session: EngineIOSession) async {
        guard let name = packet.eventName else { return }
        let argument = packet.eventArguments.first
        let answer: JSONValue
        switch name {
        case ConversationRooms.join:
            answer = await join(argument, session: session)
            if packet.ackId == nil, answer["ok"] == .bool(false) {
                var refusal: JSONObject = ["error": answer["error"] ?? .null]
                if let contactId = argument?.stringValue { refusal["contactId"] = .string(contactId) }
                send(SocketIOPacket.event(ConversationRooms.joinError, [.object(refusal)]), to: session)
            }
        case ConversationRooms.leave:
            answer = leave(argument, session: session)
        default:
            answer = ["ok": false, "error": .string("unknown event \"\(name)\"")]
        }
        if let ackId = packet.ackId {
            send(SocketIOPacket(.ack, ackId: ackId, data: [answer]), to: session)
        }
    }

    private func join(_ argument: JSONValue?, session: EngineIOSession) async -> JSONValue {
        guard let contactId = argument?.stringValue, ConversationRooms.isPlausibleContactId(contactId) else {
            return refuse(session, "the argument must be a contact id (a non-empty string of at most \(ConversationRooms.maxContactIdBytes) bytes)")
        }
        let room = ConversationRooms.room(contactId: contactId)
        guard
            let (userId, roomCount, isMember) = state.withLock({ s in
                s.clients[session.id].map { ($0.userId, $0.rooms.count, $0.rooms.contains(room)) }
            })
        else { return ["ok": false, "error": "disconnected"] }
        if isMember { return ["ok": true, "room": .string(room)] }
        guard roomCount < settings.maxRoomsPerSocket else {
            return refuse(session, "this socket is already in \(settings.maxRoomsPerSocket) rooms; leave one first")
        }
        if let userId {
            let owner: String?
            do {
                owner = try await access.ownerOfContact(contactId)
            } catch {
                logger.warning("socket.io: cannot check a join", metadata: ["contact": .string(contactId), "error": .string("\(error)")])
                return ["ok": false, "error": "the conversation cannot be checked right now; try again"]
            }
            // One answer for "no such contact" and "another user's contact": ids are not probed.
            guard owner == userId else { return refuse(session, "not allowed to join this conversation") }
        }
        let joined = state.withLock { s -> Bool in
            guard s.clients[session.id]?.socketId != nil else { return false }
            s.clients[session.id]?.rooms.insert(room)
            s.rooms[room, default: []].insert(session.id)
            return true
        }
        return joined ? ["ok": true, "room": .string(room)] : ["ok": false, "error": "disconnected"]
    }

    private func leave(_ argument: JSONValue?, session: EngineIOSession) -> JSONValue {
        guard let contactId = argument?.stringValue else {
            return ["ok": false, "error": "the argument must be a contact id"]
        }
        let room = ConversationRooms.room(contactId: contactId)
        state.withLock { s in
            guard s.clients[session.id]?.rooms.remove(room) != nil else { return }
            s.removeMember(session.id, from: room)
        }
        return ["ok": true, "room": .string(room)]
    }

    /// Counts the refusal; past `maxRefusedJoins` the socket is cut off (a flood of guesses).
    private func refuse(_ session: EngineIOSession, _ reason: String) -> JSONValue {
        let tooMany = state.withLock { s -> Bool in
            s.clients[session.id]?.refusedJoins += 1
            return (s.clients[session.id]?.refusedJoins ?? 0) > settings.maxRefusedJoins
        }
        if tooMany {
            logger.info("socket.io: too many refused joins, disconnecting", metadata: ["sid": .string(session.id)])
            session.close(.serverClose)
        }
        return ["ok": false, "error": .string(reason)]
    }
}
