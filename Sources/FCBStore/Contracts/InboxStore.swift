import Foundation
import FlowEngine

/// One unit of webhook work (a message, a status, a manual trigger), durable before the 200.
package struct NewInboxItem: Sendable, Equatable {
    package var kind: String
    /// Makes a re-delivery a no-op (e.g. `message:<wamid>`); nil for items that are never repeated.
    package var dedupeKey: String?
    /// Items with the same key are processed strictly in order, one at a time (the contact).
    package var contactKey: String
    package var userId: String?
    package var payload: JSONValue

    package init(kind: String, dedupeKey: String?, contactKey: String, userId: String? = nil, payload: JSONValue) {
        self.kind = kind
        self.dedupeKey = dedupeKey
        self.contactKey = contactKey
        self.userId = userId
        self.payload = payload
    }
}

package enum InboxState: String, Sendable, CaseIterable {
    case pending, processing, done, parked
}

package struct InboxItem: Sendable, Equatable {
    package var id: Int64
    package var receivedAt: Date
    package var requestId: String?
    package var kind: String
    package var dedupeKey: String?
    package var contactKey: String
    package var userId: String?
    package var payload: JSONValue
    package var state: String
    /// Claims so far, including the current one.
    package var attempts: Int
    package var availableAt: Date
    package var lastError: String?
    /// The pipeline's journal for this item (``PipelineStore/saveProgress(id:worker:progress:)``):
    /// how far a run got, so a resumed item does not repeat what it already did.
    package var progress: JSONValue?
}

/// The durable inbox (SPEC §5): accepted work survives crashes, re-deliveries are dropped,
/// one contact's items run one at a time in arrival order, different contacts in parallel —
/// also across several processes on one PostgreSQL (`FOR UPDATE SKIP LOCKED`).
package protocol InboxStore: Sendable {
    /// Stores `items` in one transaction. Returns each item's id, or nil when its dedupe key
    /// was already present (a duplicate delivery).
    func enqueue(_ items: [NewInboxItem], receivedAt: Date, requestId: String?) async throws(StoreError) -> [Int64?]

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
