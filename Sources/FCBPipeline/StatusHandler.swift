import FCBStore
import FlowEngine
import Foundation
import WhatsAppCloud

/// One `statuses[]` entry (docs/compatibility.md#delivery-statuses): mapped as the old backend's
/// current webhook path maps it, applied monotonically to the Message and BroadcastRecipient rows,
/// announced with `message:status`. A status for a message not stored yet is kept by the store
/// and applied when the row appears.
struct StatusHandler: Sendable {
    let context: PipelineContext

    /// Stages the status on the item's unit: it is applied, and announced, with the item's completion.
    func handle(_ item: InboxItem, unit: UnitOfWork) async throws(StoreError) -> ItemDisposition {
        guard let userId = item.userId else { return .park("status item has no tenant") }
        guard let raw = item.payload["status"], let status = WebhookChangeValue.decodeStored(["statuses": [raw]])?.statuses.first else {
            return .park("stored status can no longer be decoded")
        }
        guard let mapped = status.deliveryStatus else {
            context.logger.info("status '\(status.status)' is not one the dashboard knows; skipped", metadata: ["item": "\(item.id)"])
            return .done
        }
        let failing = mapped == .failed || mapped == .warning
        let update = DeliveryStatusUpdate(
            waMessageId: status.id, status: mapped.rawValue, timestamp: status.date ?? context.clock.now(),
            error: failing ? status.errorText : nil, conversationId: status.conversation?.id.flatMap(nonBlank))
        unit.stage(.status(update, userId: userId))
        return .done
    }
}
