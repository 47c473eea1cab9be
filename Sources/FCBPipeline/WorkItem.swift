import Foundation

/// The kinds of inbox items `fcb serve` writes, and the payload each carries.
package enum WorkItemKind: String, Sendable, CaseIterable {
    /// One inbound message: `{phoneNumberId, value: {messaging_product, metadata, contacts:[…], messages:[one]}}`.
    case message
    /// One status of an outbound message: `{phoneNumberId, status: {…as delivered}}`.
    case status
    /// A manual trigger (`POST /webhook?flowId=…`): the resolved fields of the request.
    case trigger
    /// Accepted and kept, but nothing to run (other subscriptions, other objects): done at once.
    case unrouted
    /// Accepted items that could not be decoded: parked with the decoding issues as the reason.
    case invalid
}

/// Keys that order and deduplicate items.
enum WorkItemKeys {
    /// One queue per (tenant, sender): strict order per contact, parallel across contacts.
    static func contact(userId: String, sender: String) -> String { "contact:\(userId):\(sender)" }
    /// Statuses of one message queue together but never wait behind a contact's flow run.
    static func status(userId: String, waMessageId: String) -> String { "status:\(userId):\(waMessageId)" }
    /// A redelivered message is dropped at the door.
    static func message(_ waMessageId: String) -> String { "message:\(waMessageId)" }
    /// The same status twice (Meta retries) is stored once.
    static func status(_ waMessageId: String, status: String, timestamp: String?) -> String {
        "status:\(waMessageId):\(status):\(timestamp ?? "")"
    }
}
