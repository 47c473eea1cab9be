import FCBStore
import FlowEngine
import Foundation
import WhatsAppCloud

/// Splits an accepted delivery into per-message work items (docs/serve.md#work-items): one per
/// message (queued by tenant and sender), one per status, one per unroutable change or invalid
/// item — so nothing accepted is dropped, and every item is small and independent.
struct DeliverySplitter {
    /// Tenant id for each `phone_number_id` the delivery names (already verified).
    let tenants: [String: String]

    func items(for delivery: WebhookDelivery) -> [NewInboxItem] {
        var items: [NewInboxItem] = []
        let isWhatsApp = delivery.isWhatsAppBusinessAccount
        for change in delivery.changes {
            let phoneNumberId = change.value?.metadata?.phoneNumberId?.trimmingJSWhitespace() ?? ""
            guard isWhatsApp, change.isMessagesField, let value = change.value, let userId = tenants[phoneNumberId],
                value.messagingProduct.map({ $0.trimmingJSWhitespace().jsLowercased() == "whatsapp" }) ?? true
            else {
                items.append(unrouted(change: change, delivery: delivery, reason: unroutedReason(change, isWhatsApp: isWhatsApp)))
                continue
            }
            for message in value.messages {
                items.append(self.message(message, value: value, userId: userId, phoneNumberId: phoneNumberId))
            }
            for status in value.statuses {
                items.append(self.status(status, userId: userId, phoneNumberId: phoneNumberId))
            }
            if value.messages.isEmpty && value.statuses.isEmpty && !value.errors.isEmpty {
                items.append(unrouted(change: change, delivery: delivery, reason: "change-level errors"))
            }
        }
        for invalid in delivery.invalidItems {
            let issues = invalid.issues.map { JSONValue.string($0.description) }
            items.append(
                NewInboxItem(
                    kind: .invalid, dedupeKey: nil, contactKey: "invalid",
                    payload: ["pointer": .string(invalid.pointer.description), "item": invalid.raw, "issues": .array(issues)]))
        }
        if items.isEmpty {
            // A delivery with no changes at all is still kept, as delivered.
            items.append(
                NewInboxItem(
                    kind: .unrouted, dedupeKey: nil, contactKey: "unrouted",
                    payload: ["reason": "no changes", "delivery": delivery.raw]))
        }
        return items
    }

    private func message(_ message: WebhookMessage, value: WebhookChangeValue, userId: String, phoneNumberId: String) -> NewInboxItem {
        let contact = value.contact(for: message)
        let sender = message.from.flatMap(PhoneNumber.normalize) ?? message.fromUserId ?? contact?.userId ?? "unknown"
        var single: JSONObject = [
            "messaging_product": value.raw["messaging_product"] ?? "whatsapp",
            "metadata": value.raw["metadata"] ?? .null,
            "contacts": .array(contact.map { [$0.raw] } ?? []),
            "messages": .array([message.raw]),
        ]
        if single["metadata"] == .null { single.removeValue(forKey: "metadata") }
        return NewInboxItem(
            kind: .message, dedupeKey: message.id.isEmpty ? nil : WorkItemKeys.message(message.id),
            contactKey: WorkItemKeys.contact(userId: userId, sender: sender), userId: userId,
            payload: ["phoneNumberId": .string(phoneNumberId), "value": .object(single)])
    }

    private func status(_ status: WebhookStatus, userId: String, phoneNumberId: String) -> NewInboxItem {
        NewInboxItem(
            kind: .status,
            dedupeKey: WorkItemKeys.status(status.id, status: status.status, timestamp: status.timestamp),
            contactKey: WorkItemKeys.status(userId: userId, waMessageId: status.id), userId: userId,
            payload: ["phoneNumberId": .string(phoneNumberId), "status": status.raw])
    }

    private func unrouted(change: WebhookChange, delivery: WebhookDelivery, reason: String) -> NewInboxItem {
        NewInboxItem(
            kind: .unrouted, dedupeKey: nil, contactKey: "unrouted",
            payload: [
                "reason": .string(reason), "object": delivery.object.map(JSONValue.string) ?? .null,
                "field": change.field.map(JSONValue.string) ?? .null, "value": change.value?.raw ?? .null,
            ])
    }

    private func unroutedReason(_ change: WebhookChange, isWhatsApp: Bool) -> String {
        if !isWhatsApp { return "object is not whatsapp_business_account" }
        if !change.isMessagesField { return "field \(change.field ?? "") is not messages" }
        if change.value == nil { return "change has no value object" }
        if (change.value?.metadata?.phoneNumberId ?? "").isEmpty { return "no metadata.phone_number_id" }
        return "messaging_product is not whatsapp"
    }
}
