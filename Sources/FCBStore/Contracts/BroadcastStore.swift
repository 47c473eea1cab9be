import FlowEngine
import Foundation

/// A `Broadcast` row (docs/compatibility.md#broadcasts). The dashboard creates broadcasts; fcb only
/// moves their aggregates when statuses arrive.
package struct BroadcastRecord: Sendable, Equatable {
    package var id: String
    package var title: String?
    package var body: String
    package var filterTag: String?
    package var status: String
    package var totalRecipients: Int
    package var successCount: Int
    package var failureCount: Int
    package var createdAt: Date
    package var updatedAt: Date
    package var userId: String
    package var flowId: String?

    package init(
        id: String, title: String? = nil, body: String, filterTag: String? = nil, status: String = "Draft", totalRecipients: Int = 0,
        successCount: Int = 0, failureCount: Int = 0, createdAt: Date, updatedAt: Date, userId: String, flowId: String? = nil
    ) {
        self.id = id
        self.title = title
        self.body = body
        self.filterTag = filterTag
        self.status = status
        self.totalRecipients = totalRecipients
        self.successCount = successCount
        self.failureCount = failureCount
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.userId = userId
        self.flowId = flowId
    }
}

/// A `BroadcastRecipient` row: `messageId` is the WhatsApp message id statuses refer to. It has
/// no `updatedAt` in the schema.
package struct BroadcastRecipientRecord: Sendable, Equatable {
    package var id: String
    package var status: String
    package var error: String?
    package var messageId: String?
    package var conversationId: String?
    package var statusUpdatedAt: Date?
    package var sentAt: Date?
    package var createdAt: Date
    package var broadcastId: String
    package var contactId: String

    package init(
        id: String, status: String = "Pending", error: String? = nil, messageId: String? = nil, conversationId: String? = nil,
        statusUpdatedAt: Date? = nil, sentAt: Date? = nil, createdAt: Date, broadcastId: String, contactId: String
    ) {
        self.id = id
        self.status = status
        self.error = error
        self.messageId = messageId
        self.conversationId = conversationId
        self.statusUpdatedAt = statusUpdatedAt
        self.sentAt = sentAt
        self.createdAt = createdAt
        self.broadcastId = broadcastId
        self.contactId = contactId
    }
}

/// The broadcast rows status updates touch, read back and written whole. In production the
/// dashboard writes them; these exist so every backend can be seeded and checked alike (tests,
/// `simulate --db`).
package protocol BroadcastStore: Sendable {
    func insertBroadcast(_ broadcast: BroadcastRecord) async throws(StoreError)
    func insertBroadcastRecipient(_ recipient: BroadcastRecipientRecord) async throws(StoreError)
    func broadcast(id: String) async throws(StoreError) -> BroadcastRecord?
    /// A broadcast's recipients, oldest first (by createdAt, then id).
    func broadcastRecipients(broadcastId: String) async throws(StoreError) -> [BroadcastRecipientRecord]
}
