import FlowEngine
import Foundation

extension InMemoryStore: BroadcastStore {
    package func insertBroadcast(_ broadcast: BroadcastRecord) async throws(StoreError) {
        try state.withLock { s throws(StoreError) in
            if s.broadcasts[broadcast.id] != nil { throw StoreError(.conflict, "Unique constraint failed on Broadcast_pkey") }
            s.broadcasts[broadcast.id] = broadcast
        }
    }

    package func insertBroadcastRecipient(_ recipient: BroadcastRecipientRecord) async throws(StoreError) {
        try state.withLock { s throws(StoreError) in
            if s.recipients[recipient.id] != nil { throw StoreError(.conflict, "Unique constraint failed on BroadcastRecipient_pkey") }
            if let messageId = recipient.messageId, s.recipients.values.contains(where: { $0.messageId == messageId }) {
                throw StoreError(.conflict, "Unique constraint failed on BroadcastRecipient_messageId_key")
            }
            s.recipients[recipient.id] = recipient
        }
    }

    package func broadcast(id: String) async -> BroadcastRecord? { state.withLock { $0.broadcasts[id] } }

    package func broadcastRecipients(broadcastId: String) async -> [BroadcastRecipientRecord] {
        state.withLock { s in
            s.recipients.values.filter { $0.broadcastId == broadcastId }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        }
    }
}

/// Statuses under the store's one lock: the same rule (``DeliveryStatusRule``) and the same
/// effects as ``SQLStore``, each call atomic.
extension InMemoryStore {
    package func applyStatus(_ update: DeliveryStatusUpdate, userId: String) async -> StatusApplication {
        state.withLock { s in
            if let applied = s.apply(update, userId: userId) { return applied }
            s.nextKeptStatusId += 1
            s.keptStatuses.append(KeptStatus(id: s.nextKeptStatusId, userId: userId, update: update))
            s.keptReceivedAt[s.nextKeptStatusId] = Date()
            return StatusApplication(deferred: true)
        }
    }

    package func applyPendingStatuses(waMessageId: String) async -> [StatusApplication] {
        state.withLock { s in
            let kept = s.keptStatuses.filter { $0.update.waMessageId == waMessageId }.sorted(by: KeptStatus.applyOrder)
            var applied: [StatusApplication] = []
            var done = Set<Int64>()
            for status in kept {
                guard let result = s.apply(status.update, userId: status.userId) else { continue }
                done.insert(status.id)
                applied.append(result)
            }
            s.keptStatuses.removeAll { done.contains($0.id) }
            return applied
        }
    }
}

extension InMemoryStore.State {
    /// Applies `update` to whatever carries its id for `userId`; nil when nothing does.
    mutating func apply(_ update: DeliveryStatusUpdate, userId: String) -> StatusApplication? {
        let timestamp = update.timestamp.truncatedToMilliseconds
        let message = messagesById.values.first { $0.waMessageId == update.waMessageId && $0.userId == userId }
        let recipientIds = recipients.values
            .filter { $0.messageId == update.waMessageId && broadcasts[$0.broadcastId]?.userId == userId }
            .map(\.id).sorted()
        guard message != nil || !recipientIds.isEmpty else { return nil }

        let error = DeliveryStatusRule.error(for: update.status, update.error)
        var result = StatusApplication()
        if var message, DeliveryStatusRule.replaces(message.status, with: update.status) {
            message.status = update.status
            message.statusUpdatedAt = timestamp
            message.error = error
            messagesById[message.id] = message
            result.updatedMessage = message
        }
        for id in recipientIds {
            guard var recipient = recipients[id], DeliveryStatusRule.replaces(recipient.status, with: update.status) else { continue }
            let delta = DeliveryStatusRule.aggregateDeltas(from: recipient.status, to: update.status)
            recipient.status = update.status
            recipient.statusUpdatedAt = timestamp
            recipient.error = error
            if let conversation = update.conversationId { recipient.conversationId = conversation }
            recipients[id] = recipient
            if var broadcast = broadcasts[recipient.broadcastId] {
                broadcast.successCount += delta.success
                broadcast.failureCount += delta.failure
                broadcast.updatedAt = timestamp
                broadcasts[broadcast.id] = broadcast
            }
            result.updatedRecipients += 1
        }
        return result
    }
}
