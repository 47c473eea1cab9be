import FlowEngine
import Foundation

/// Result of upserting a contact by `(userId, phone)` (docs/compatibility.md#contacts).
package enum ContactUpsert: Sendable, Equatable {
    case created(ContactRecord)
    /// Already there; its name was replaced when a non-empty name was given.
    case existing(ContactRecord)
    /// The phone belongs to another tenant (the schema's global `Contact_phone_key`).
    case ownedByAnotherTenant(ownerUserId: String)
}

/// One entry of `value.statuses[]`, already mapped as the old backend's current webhook path maps
/// it (docs/compatibility.md#delivery-statuses).
package struct DeliveryStatusUpdate: Sendable, Equatable {
    package var waMessageId: String
    /// `Sent`, `Delivered`, `Read`, `Failed`, `Warning` or `Pending`.
    package var status: String
    package var timestamp: Date
    /// Set for `Failed` (and `Warning` when Meta gave one).
    package var error: String?
    /// `status.conversation.id`, when present.
    package var conversationId: String?

    package init(waMessageId: String, status: String, timestamp: Date, error: String? = nil, conversationId: String? = nil) {
        self.waMessageId = waMessageId
        self.status = status
        self.timestamp = timestamp
        self.error = error
        self.conversationId = conversationId
    }
}

/// What applying one status changed.
package struct StatusApplication: Sendable, Equatable {
    /// The Message row after the update, when it changed (nil: absent or the status was not newer).
    package var updatedMessage: MessageRecord?
    /// BroadcastRecipient rows whose status changed.
    package var updatedRecipients: Int
    /// Neither a Message nor a BroadcastRecipient row has this id yet: the status is kept and
    /// applied by ``PipelineStore/applyPendingStatuses(waMessageId:)`` when the row appears.
    package var deferred: Bool

    package init(updatedMessage: MessageRecord? = nil, updatedRecipients: Int = 0, deferred: Bool = false) {
        self.updatedMessage = updatedMessage
        self.updatedRecipients = updatedRecipients
        self.deferred = deferred
    }
}

/// Inbox state for `/metrics` and `/ready`.
package struct InboxStats: Sendable, Equatable {
    /// Exact for pending, processing and parked items; on PostgreSQL the count of done items is
    /// the planner's estimate (``doneIsEstimate``): counting them would read every finished row.
    package var counts: [InboxState: Int]
    package var doneIsEstimate = false
    /// `finished_at` of the oldest done item still kept (retention deletes older ones).
    package var oldestDoneAt: Date?
    /// `received_at` of the oldest pending or processing item.
    package var oldestUnfinishedAt: Date?

    package init(counts: [InboxState: Int], oldestUnfinishedAt: Date?, doneIsEstimate: Bool = false, oldestDoneAt: Date? = nil) {
        self.oldestDoneAt = oldestDoneAt
        self.counts = counts
        self.oldestUnfinishedAt = oldestUnfinishedAt
        self.doneIsEstimate = doneIsEstimate
    }
}

/// Everything `fcb serve`'s pipeline reads and writes: the executor's store, tenants, the
/// inbox, and the per-message rules (docs/serve.md#processing-an-item).
package protocol PipelineStore: FlowStore, TenantStore, InboxStore, LeaseStore, UnitBatchStore {
    /// Contact upsert by `(userId, phone)`: creates `{id: newId, phone, userId, name}` with
    /// `createdAt`/`updatedAt` = `at`, or replaces the name (and bumps `updatedAt`) when `name` is
    /// non-empty and differs; a phone owned by another user is reported, not thrown — also when
    /// that user's insert wins a race with ours.
    func upsertContact(userId: String, phone: String, name: String?, newId: String, at: Date) async throws(StoreError) -> ContactUpsert

    func message(id: String) async throws(StoreError) -> MessageRecord?
    func message(waMessageId: String) async throws(StoreError) -> MessageRecord?

    /// Runs `body` against this store inside one transaction: everything it writes commits
    /// together with one durable commit, or nothing does (docs/serve.md#units-of-work).
    /// Statements inside must not fail by design (use the `IfAbsent` writers): on PostgreSQL a
    /// failed statement aborts the whole transaction.
    func unitOfWork<T: Sendable>(_ body: @escaping @Sendable (any PipelineStore) async throws(StoreError) -> T) async throws(StoreError) -> T

    /// Inserts the row unless one with its id or `waMessageId` is already there (an earlier
    /// attempt stored it). True when inserted.
    func insertMessageIfAbsent(_ message: MessageRecord) async throws(StoreError) -> Bool
    /// Inserts the Log row unless one with its id is already there. True when inserted.
    func insertLogIfAbsent(_ log: LogRecord) async throws(StoreError) -> Bool

    /// Applies a status to the tenant's Message row and BroadcastRecipient rows with that
    /// `waMessageId` (= `BroadcastRecipient.messageId`), in one transaction, monotonically:
    /// `Pending < Sent < Delivered < Read` never goes backwards; `Failed`/`Warning` replace only
    /// `Pending`/`Sent`, and a later `Delivered`/`Read` replaces them (the message arrived); a
    /// repeated status changes nothing; a current value fcb does not know accepts any known
    /// status; an unknown new status never applies. A change writes `status`, `statusUpdatedAt`
    /// (the update's timestamp) and `error` (the update's for `Failed`/`Warning`, else cleared).
    /// Recipient changes also set `conversationId` when given, and adjust the Broadcast's
    /// `successCount` (Sent/Delivered/Read) and `failureCount` (Failed) in place, with
    /// `updatedAt` = the update's timestamp. With neither row present for this tenant the status
    /// is kept (`deferred`).
    func applyStatus(_ update: DeliveryStatusUpdate, userId: String) async throws(StoreError) -> StatusApplication

    /// Applies, in rank order (failures between Sent and Delivered, then Meta's time), the
    /// statuses kept for `waMessageId`, each for the tenant it came with, and forgets them, in
    /// one transaction. One result per kept status applied (a repeat reports no change); a
    /// status whose tenant still has no row for it stays kept. Call it after inserting a row
    /// that carries a WhatsApp message id.
    func applyPendingStatuses(waMessageId: String) async throws(StoreError) -> [StatusApplication]

    /// Stores `progress` on a leased item (the pipeline's journal). False without the lease.
    @discardableResult
    func saveProgress(id: Int64, worker: String, progress: JSONValue?) async throws(StoreError) -> Bool

    /// Releases a leased item until `availableAt` with `progress` (a durable delay), keeping it at
    /// its contact's head; `attempts` goes back to 0 (waiting is not failing).
    @discardableResult
    func deferItem(id: Int64, worker: String, progress: JSONValue?, availableAt: Date) async throws(StoreError) -> Bool

    /// Parked items, oldest first.
    func parkedItems(limit: Int) async throws(StoreError) -> [InboxItem]
    /// Puts a parked item back in line (attempts 0, due at `at`). False when it is not parked.
    @discardableResult
    func requeue(id: Int64, at: Date) async throws(StoreError) -> Bool

    func inboxStats() async throws(StoreError) -> InboxStats

    /// Retention (docs/serve.md#retention): deletes up to `limit` done items finished before
    /// `before` (parked and unfinished items are never deleted). Returns how many.
    func pruneFinished(before: Date, limit: Int) async throws(StoreError) -> Int
    /// Deletes statuses kept for a message that never appeared, received before `before`.
    func pruneKeptStatuses(before: Date) async throws(StoreError) -> Int
}

/// Leases of a worker that restarted or runs long.
package protocol LeaseStore: Sendable {
    /// Puts back in line (state pending, no lease) every item held by an earlier start of
    /// `instance` (workers named `instance/…` other than `except`): a restarted instance takes
    /// its interrupted work back at once instead of waiting for the leases to expire. Returns how many.
    @discardableResult
    func releaseLeases(instance: String, except current: String) async throws(StoreError) -> Int

    /// Extends the leases `worker` holds on `ids` to `until` (work that runs long keeps its
    /// items). Returns how many were extended.
    @discardableResult
    func renewLeases(ids: [Int64], worker: String, until: Date) async throws(StoreError) -> Int
}
