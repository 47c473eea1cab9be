import FCBRealtime
import FCBStore
import FlowEngine
import Foundation

/// The executor's store during one item: every write goes to the pipeline store, and every
/// Message row it inserts is announced (`message:new`, docs/compatibility.md#realtime-events) and
/// picks up statuses that arrived before it (Meta's `sent` can overtake the row).
struct RunStore: ExecutorStore {
    let store: any PipelineStore
    let events: any RealtimeEventSink
    let metrics: PipelineMetrics

    func updateSession(id: String, _ patch: SessionPatch, at: Date) async throws(StoreError) {
        try await store.updateSession(id: id, patch, at: at)
    }

    func insertMessage(_ message: MessageRecord) async throws(StoreError) {
        try await store.insertMessage(message)
        events.publish(.messageNew(message))
        guard let waMessageId = message.waMessageId else { return }
        for applied in try await store.applyPendingStatuses(waMessageId: waMessageId) {
            if let updated = applied.updatedMessage {
                events.publish(
                    .messageStatus(
                        messageId: updated.id, waMessageId: waMessageId, status: updated.status, contactId: updated.contactId, userId: updated.userId))
            }
        }
    }
}
