import FlowEngine

/// The text one `fcb serve` instance NOTIFYs to the others on channel ``channel``:
/// `{"v":1,"origin":"<instance>","event":"message:new","message":{…}}` and so on (see
/// ``encode(_:origin:)``). Readers skip envelopes from their own origin and ignore versions and
/// events they do not know, so instances of different releases can share a database.
package enum RealtimeEnvelope {
    /// The PostgreSQL LISTEN/NOTIFY channel.
    package static let channel = "fcb_realtime"
    package static let version = 1
    /// PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; this leaves room to spare.
    package static let maximumBytes = 7_900

    /// What a received envelope says.
    package enum Content: Sendable, Equatable {
        /// The whole event.
        case event(RealtimeEvent)
        /// A `message:new` whose row was too large to send: re-read the row by id.
        case messageReference(messageId: String)
    }

    package struct Decoded: Sendable, Equatable {
        package var origin: String
        package var content: Content
    }

    /// Why an envelope was ignored.
    package enum DecodingError: Error, Sendable, Equatable {
        case malformed(String)
        case unsupportedVersion(String)
        case unknownEvent(String)
    }

    /// The envelope for `event`. A `message:new` over ``maximumBytes`` (UTF-8) goes by
    /// reference — `{"v":1,"origin":…,"event":"message:new","ref":{"messageId":…}}` — because
    /// NOTIFY cannot carry it and the row is already in the shared database.
    package static func encode(_ event: RealtimeEvent, origin: String) -> String {
        var o: JSONObject = ["v": .number(Double(version)), "origin": .string(origin), "event": .string(event.name)]
        switch event {
        case .messageNew(let message):
            o["message"] = RealtimeEvent.json(message)
            let full = JSONValue.object(o).serialized()
            if full.utf8.count <= maximumBytes { return full }
            o["message"] = nil
            o["ref"] = ["messageId": .string(message.id)]
        case .messageStatus(let messageId, let waMessageId, let status, let contactId, let userId):
            o["messageId"] = .string(messageId)
            o["waMessageId"] = .string(waMessageId)
            o["status"] = .string(status)
            o["contactId"] = .string(contactId)
            o["userId"] = .string(userId)
        case .typingStart(let contactId, let userId), .typingStop(let contactId, let userId):
            o["contactId"] = .string(contactId)
            o["userId"] = .string(userId)
        }
        return JSONValue.object(o).serialized()
    }

    /// How every envelope of `origin` begins (the version and origin are written first).
    package static func prefix(origin: String) -> String {
        String(JSONValue.object(["v": .number(Double(version)), "origin": .string(origin)]).serialized().dropLast()) + ","
    }

    package static func decode(_ text: String) throws(DecodingError) -> Decoded {
        let json: JSONValue
        do { json = try JSONValue(parsing: text) } catch { throw .malformed("not JSON: \(error.message)") }
        guard case .object(let o) = json else { throw .malformed("not an object") }
        // Checked before anything else: a future version may change every other field.
        guard o["v"] == .number(Double(version)) else { throw .unsupportedVersion(o["v"]?.serialized() ?? "missing") }
        func string(_ key: String) throws(DecodingError) -> String {
            guard let value = o[key]?.stringValue else { throw .malformed("\(key) is missing or not a string") }
            return value
        }
        let origin = try string("origin")
        let name = try string("event")
        let content: Content
        switch name {
        case "message:new":
            if let ref = o["ref"] {
                guard let id = ref["messageId"]?.stringValue else { throw .malformed("ref.messageId is missing") }
                content = .messageReference(messageId: id)
            } else {
                guard let row = o["message"], let message = MessageRecord(realtimeJSON: row) else {
                    throw .malformed("message is missing or not a Message row")
                }
                content = .event(.messageNew(message))
            }
        case "message:status":
            content = .event(
                .messageStatus(
                    messageId: try string("messageId"), waMessageId: try string("waMessageId"), status: try string("status"),
                    contactId: try string("contactId"), userId: try string("userId")))
        case "typing:start":
            content = .event(.typingStart(contactId: try string("contactId"), userId: try string("userId")))
        case "typing:stop":
            content = .event(.typingStop(contactId: try string("contactId"), userId: try string("userId")))
        default:
            throw .unknownEvent(name)
        }
        return Decoded(origin: origin, content: content)
    }
}

extension RealtimeEnvelope.Content {
    /// The event to deliver. A reference is re-read through `lookup` (the store's
    /// `message(id:)`); `nil` when the row is not there (deleted, or another database).
    package func resolve(lookup: (String) async throws -> MessageRecord?) async rethrows -> RealtimeEvent? {
        switch self {
        case .event(let event): return event
        case .messageReference(let id): return try await lookup(id).map(RealtimeEvent.messageNew)
        }
    }
}
