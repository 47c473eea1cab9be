import FCBSupport
import FlowEngine
import Foundation

/// What the dashboard hears live (docs/compatibility.md#realtime-events), emitted by the pipeline.
/// The Socket.IO server sends each to the room `conversation:<contactId>`.
package enum RealtimeEvent: Sendable, Equatable {
    /// A Message row was stored (inbound, or a bot reply).
    case messageNew(MessageRecord)
    /// A Message row's status changed.
    case messageStatus(messageId: String, waMessageId: String, status: String, contactId: String, userId: String)
    case typingStart(contactId: String, userId: String)
    case typingStop(contactId: String, userId: String)

    /// The Socket.IO event name.
    package var name: String {
        switch self {
        case .messageNew: "message:new"
        case .messageStatus: "message:status"
        case .typingStart: "typing:start"
        case .typingStop: "typing:stop"
        }
    }

    package var contactId: String {
        switch self {
        case .messageNew(let message): message.contactId
        case .messageStatus(_, _, _, let contactId, _), .typingStart(let contactId, _), .typingStop(let contactId, _): contactId
        }
    }

    /// The tenant whose dashboard may see it.
    package var userId: String {
        switch self {
        case .messageNew(let message): message.userId
        case .messageStatus(_, _, _, _, let userId), .typingStart(_, let userId), .typingStop(_, let userId): userId
        }
    }

    package var room: String { "conversation:" + contactId }

    /// The event's argument, exactly as the dashboard's hook reads it.
    package var payload: JSONValue {
        switch self {
        case .messageNew(let message):
            return ["message": Self.json(message), "contactId": .string(message.contactId)]
        case .messageStatus(let messageId, let waMessageId, let status, let contactId, _):
            return ["messageId": .string(messageId), "waMessageId": .string(waMessageId), "status": .string(status), "contactId": .string(contactId)]
        case .typingStart(let contactId, _), .typingStop(let contactId, _):
            return ["contactId": .string(contactId)]
        }
    }

    /// A Message row as Prisma serialises it to JSON: every column in schema order, dates as
    /// ISO-8601 strings, NULL as null.
    package static func json(_ m: MessageRecord) -> JSONValue {
        func text(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        return [
            "id": .string(m.id),
            "waMessageId": text(m.waMessageId),
            "direction": .string(m.direction),
            "type": .string(m.type),
            "content": text(m.content),
            "payload": m.payload ?? .null,
            "status": .string(m.status),
            "error": text(m.error),
            "statusUpdatedAt": text(m.statusUpdatedAt.map(ISOTimestamp.string)),
            "createdAt": .string(ISOTimestamp.string(m.createdAt)),
            "contactId": .string(m.contactId),
            "userId": .string(m.userId),
            "sessionId": text(m.sessionId),
        ]
    }
}

/// Where the pipeline puts realtime events. The Socket.IO server (and tests) subscribe.
package protocol RealtimeEventSink: Sendable {
    func publish(_ event: RealtimeEvent)
}
