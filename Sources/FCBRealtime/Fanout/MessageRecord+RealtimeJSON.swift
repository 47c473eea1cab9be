import FCBSupport
import FlowEngine
import Foundation

extension MessageRecord {
    /// Reads back what ``RealtimeEvent/json(_:)`` writes. `nil` when a required column is missing
    /// or has the wrong type, or a date does not parse (external data: never a trap).
    ///
    /// Dates carry milliseconds, as the database stores them, so a record with whole-millisecond
    /// dates comes back identical. A `payload` of JSON `null` reads as `nil` (the writer cannot
    /// tell them apart either).
    package init?(realtimeJSON json: JSONValue) {
        guard case .object(let o) = json else { return nil }
        func required(_ key: String) -> String? { o[key]?.stringValue }
        // nil → the column is malformed; .some(nil) → it is SQL NULL.
        func optional(_ key: String) -> String?? {
            switch o[key] {
            case .string(let s): return .some(s)
            case .null, nil: return .some(nil)
            default: return nil
            }
        }
        guard let id = required("id"), let direction = required("direction"), let type = required("type"),
            let status = required("status"), let contactId = required("contactId"), let userId = required("userId"),
            let createdText = required("createdAt"), let createdAt = ISOTimestamp.date(createdText),
            let waMessageId = optional("waMessageId"), let content = optional("content"), let error = optional("error"),
            let sessionId = optional("sessionId"), let statusText = optional("statusUpdatedAt")
        else { return nil }
        var statusUpdatedAt: Date?
        if let statusText {
            guard let date = ISOTimestamp.date(statusText) else { return nil }
            statusUpdatedAt = date
        }
        // Spelled out: a bare `nil` here would be `JSONValue.null` (it is ExpressibleByNilLiteral).
        let payload: JSONValue? = o["payload"].flatMap { $0.isNull ? Optional<JSONValue>.none : $0 }
        self.init(
            id: id, waMessageId: waMessageId, direction: direction, type: type, content: content, payload: payload,
            status: status, error: error, statusUpdatedAt: statusUpdatedAt, createdAt: createdAt, contactId: contactId,
            userId: userId, sessionId: sessionId)
    }
}
