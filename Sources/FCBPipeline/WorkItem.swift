import Foundation

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
