import FlowEngine

/// A Meta webhook delivery (`{object, entry:[{id, changes:[{field, value}]}]}`), decoded.
///
/// Decoding never fails because of unknown fields or message types, and a wrong type in one
/// item only invalidates that item: it lands in ``invalidItems`` with a JSON pointer per
/// problem, while every other item of the delivery decodes normally. Only a body that is not a
/// JSON object at all throws (``WebhookPayloadError``).
package struct WebhookDelivery: Sendable, Equatable {
    /// Meta's maximum delivery size; larger bodies are refused before parsing (`serve`: 413).
    package static let maxBodyBytes = 3 << 20

    /// `whatsapp_business_account` for WhatsApp.
    package var object: String?
    package var entries: [WebhookEntry]
    /// Items (messages, statuses, contacts) that could not be decoded, each with its issues.
    package var invalidItems: [WebhookInvalidItem]
    /// Problems with the delivery's structure outside any item (`entry` not an array, a
    /// change without a value object, …). Invalid items' issues are not repeated here.
    package var structureIssues: [WebhookDecodingIssue]
    package let raw: JSONValue

    /// Every problem: the structural ones, then each invalid item's.
    package var issues: [WebhookDecodingIssue] { structureIssues + invalidItems.flatMap(\.issues) }

    package var isWhatsAppBusinessAccount: Bool { object == "whatsapp_business_account" }

    /// Every change of every entry, in order.
    package var changes: [WebhookChange] { entries.flatMap(\.changes) }

    /// The distinct `metadata.phone_number_id`s (trimmed, non-empty) in order: every tenant the
    /// delivery touches, each of which must verify the signature
    /// (docs/differences.md#every-tenant-in-a-delivery-must-sign-it).
    package var phoneNumberIds: [String] {
        var seen: Set<String> = []
        var ids: [String] = []
        for change in changes {
            guard let id = change.value?.metadata?.phoneNumberId?.trimmingJSWhitespace(), !id.isEmpty else { continue }
            if seen.insert(id).inserted { ids.append(id) }
        }
        return ids
    }

    /// Every decoded message with the change it came in.
    package var messageEvents: [WebhookMessageEvent] {
        changes.flatMap { change -> [WebhookMessageEvent] in
            guard let value = change.value else { return [] }
            return value.messages.map { WebhookMessageEvent(change: change, value: value, message: $0) }
        }
    }

    /// Every decoded status with the change it came in.
    package var statusEvents: [WebhookStatusEvent] {
        changes.flatMap { change -> [WebhookStatusEvent] in
            guard let value = change.value else { return [] }
            return value.statuses.map { WebhookStatusEvent(change: change, value: value, status: $0) }
        }
    }
}

/// A message together with its change: which business number received it and who sent it.
package struct WebhookMessageEvent: Sendable, Equatable {
    package let field: String?
    package let isMessagesField: Bool
    package let metadata: WebhookMetadata?
    /// The matching `contacts[]` entry (profile name, BSUID), if any.
    package let contact: WebhookContact?
    package let message: WebhookMessage

    init(change: WebhookChange, value: WebhookChangeValue, message: WebhookMessage) {
        field = change.field
        isMessagesField = change.isMessagesField
        metadata = value.metadata
        contact = value.contact(for: message)
        self.message = message
    }
}

/// A status together with its change.
package struct WebhookStatusEvent: Sendable, Equatable {
    package let field: String?
    package let isMessagesField: Bool
    package let metadata: WebhookMetadata?
    package let status: WebhookStatus

    init(change: WebhookChange, value: WebhookChangeValue, status: WebhookStatus) {
        field = change.field
        isMessagesField = change.isMessagesField
        metadata = value.metadata
        self.status = status
    }
}
