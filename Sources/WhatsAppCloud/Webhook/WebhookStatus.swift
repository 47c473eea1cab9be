import FlowEngine

/// One `statuses[]` item: what happened to a message fcb sent (`sent`, `delivered`, `read`,
/// `failed`, …), with Meta's conversation and pricing information.
package struct WebhookStatus: Sendable, Equatable {
    /// The `wamid.…` of the outbound message.
    package var id: String
    /// As delivered (`sent`, `delivered`, `read`, `failed`, …); see ``deliveryStatus``.
    package var status: String
    package var timestamp: String?
    /// The recipient's phone number; absent when the message went to a BSUID-only user.
    package var recipientId: String?
    /// The recipient's business-scoped user id (BSUID).
    package var recipientUserId: String?
    package var conversation: Conversation?
    package var pricing: Pricing?
    package var bizOpaqueCallbackData: String?
    /// Why delivery failed (`failed` statuses), or a warning.
    package var errors: [WebhookErrorDetail]
    /// The item exactly as delivered.
    package let raw: JSONValue
    package let pointer: JSONPointer

    package struct Conversation: Sendable, Equatable {
        package var id: String?
        package var expirationTimestamp: String?
        /// `service`, `utility`, `marketing`, `authentication`, …
        package var originType: String?
    }

    package struct Pricing: Sendable, Equatable {
        package var billable: Bool?
        package var pricingModel: String?
        package var category: String?
        /// `regular`, `free_customer_service`, `free_entry_point` (per-message pricing).
        package var type: String?
    }
}

extension WebhookStatus {
    static func decode(_ item: WebhookFieldReader.Located) -> Result<WebhookStatus, WebhookInvalidItem> {
        var reader = WebhookFieldReader()
        let id = reader.string("id", in: item)
        let status = reader.string("status", in: item)
        let decoded = WebhookStatus(
            id: id ?? "",
            status: status ?? "",
            timestamp: reader.stringOrInteger("timestamp", in: item),
            recipientId: reader.stringOrInteger("recipient_id", in: item),
            recipientUserId: reader.string("recipient_user_id", in: item),
            conversation: reader.object("conversation", in: item).map { conversation in
                Conversation(
                    id: reader.string("id", in: conversation),
                    expirationTimestamp: reader.stringOrInteger("expiration_timestamp", in: conversation),
                    originType: reader.object("origin", in: conversation).flatMap { reader.string("type", in: $0) })
            },
            pricing: reader.object("pricing", in: item).map { pricing in
                Pricing(
                    billable: reader.bool("billable", in: pricing),
                    pricingModel: reader.string("pricing_model", in: pricing),
                    category: reader.string("category", in: pricing),
                    type: reader.string("type", in: pricing))
            },
            bizOpaqueCallbackData: reader.string("biz_opaque_callback_data", in: item),
            errors: reader.errorDetails(in: item),
            raw: .object(item.object),
            pointer: item.pointer
        )
        if id?.isEmpty ?? WebhookMessage.isAbsent("id", in: item) {
            reader.report(item.pointer / "id", "a status needs a non-empty id (the wamid of the sent message)")
        }
        if status == nil && WebhookMessage.isAbsent("status", in: item) {
            reader.report(item.pointer / "status", "a status needs a status value (sent, delivered, read, failed, …)")
        }
        if !reader.issues.isEmpty {
            return .failure(WebhookInvalidItem(kind: .status, pointer: item.pointer, issues: reader.issues, raw: .object(item.object)))
        }
        return .success(decoded)
    }
}
