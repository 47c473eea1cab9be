import FlowEngine
import Foundation

/// The kinds of inbox items `fcb serve` writes, and the payload each carries. Stored as text in
/// `fcb_inbox.kind`; decoded once, when a row is read.
package enum WorkItemKind: Sendable, Hashable, CustomStringConvertible {
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
    /// A kind this version of fcb does not know (written by a newer one): parked, never dropped.
    case unrecognized(String)

    /// The kinds fcb writes.
    package static let written: [WorkItemKind] = [.message, .status, .trigger, .unrouted, .invalid]

    package init(stored: String) {
        self = Self.written.first { $0.stored == stored } ?? .unrecognized(stored)
    }

    /// The column's text.
    package var stored: String {
        switch self {
        case .message: "message"
        case .status: "status"
        case .trigger: "trigger"
        case .unrouted: "unrouted"
        case .invalid: "invalid"
        case .unrecognized(let text): text
        }
    }

    package var description: String { stored }
}

/// One accepted request's items, for ``InboxStore/enqueue(deliveries:)``.
package struct InboxDelivery: Sendable, Equatable {
    package var items: [NewInboxItem]
    package var receivedAt: Date
    package var requestId: String?

    package init(items: [NewInboxItem], receivedAt: Date, requestId: String?) {
        self.items = items
        self.receivedAt = receivedAt
        self.requestId = requestId
    }
}

/// One unit of webhook work (a message, a status, a manual trigger), durable before the 200.
package struct NewInboxItem: Sendable, Equatable {
    package var kind: WorkItemKind
    /// Makes a re-delivery a no-op (e.g. `message:<wamid>`); nil for items that are never repeated.
    package var dedupeKey: String?
    /// Items with the same key are processed strictly in order, one at a time (the contact).
    package var contactKey: String
    package var userId: String?
    package var payload: JSONValue

    package init(kind: WorkItemKind, dedupeKey: String?, contactKey: String, userId: String? = nil, payload: JSONValue) {
        self.kind = kind
        self.dedupeKey = dedupeKey
        self.contactKey = contactKey
        self.userId = userId
        self.payload = payload
    }
}

/// Where an inbox item is in its life; `fcb_inbox.state` holds the raw value.
package enum InboxState: String, Sendable, CaseIterable {
    case pending, processing, done, parked

    /// Decodes the column; fcb alone writes it, so anything else is a damaged row.
    package init(stored: String) throws(StoreError) {
        guard let state = InboxState(rawValue: stored) else {
            throw StoreError(.invalid, "inbox item state '\(stored)' is not one of pending, processing, done, parked")
        }
        self = state
    }
}

package struct InboxItem: Sendable, Equatable {
    package var id: Int64
    package var receivedAt: Date
    package var requestId: String?
    package var kind: WorkItemKind
    package var dedupeKey: String?
    package var contactKey: String
    package var userId: String?
    package var payload: JSONValue
    package var state: InboxState
    /// Claims so far, including the current one.
    package var attempts: Int
    package var availableAt: Date
    package var lastError: String?
    /// The pipeline's journal for this item (``PipelineStore/saveProgress(id:worker:progress:)``):
    /// how far a run got, so a resumed item does not repeat what it already did.
    package var progress: JSONValue?
}

/// The durable inbox (docs/serve.md#guarantees): accepted work survives crashes, re-deliveries
/// are dropped, one contact's items run one at a time in arrival order, different contacts in
/// parallel — also across several processes on one PostgreSQL (`FOR UPDATE SKIP LOCKED`).
package protocol InboxStore: Sendable {
    /// Stores `items` in one transaction. Returns each item's id, or nil when its dedupe key
    /// was already present (a duplicate delivery).
    func enqueue(_ items: [NewInboxItem], receivedAt: Date, requestId: String?) async throws(StoreError) -> [Int64?]

    /// Stores several deliveries' items in one transaction (concurrent acks committed together,
    /// docs/serve.md#group-commit); one answer per delivery, as ``enqueue(_:receivedAt:requestId:)``.
    /// A dedupe key present twice is stored for its first occurrence.
    func enqueue(deliveries: [InboxDelivery]) async throws(StoreError) -> [[Int64?]]

    /// Leases up to `limit` items that are due and at the head of their contact's queue (a
    /// contact whose earlier item is pending or leased gets nothing). Items whose lease ran out
    /// (a crashed worker) are claimable again.
    func claim(limit: Int, worker: String, now: Date, lease: Duration) async throws(StoreError) -> [InboxItem]

    /// Marks a leased item done. False when `worker` no longer holds the lease.
    @discardableResult
    func complete(id: Int64, worker: String, at: Date) async throws(StoreError) -> Bool
    /// Releases a leased item to be tried again at `availableAt`, keeping it at its contact's head.
    @discardableResult
    func retry(id: Int64, worker: String, error: String, availableAt: Date) async throws(StoreError) -> Bool
    /// Sets a poisoned item aside so its contact's later items can run.
    @discardableResult
    func park(id: Int64, worker: String, error: String, at: Date) async throws(StoreError) -> Bool

    func inboxItem(id: Int64) async throws(StoreError) -> InboxItem?
    /// Count of items per state (states with no items are absent).
    func inboxCounts() async throws(StoreError) -> [InboxState: Int]
}
