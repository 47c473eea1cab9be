/// A Meta webhook delivery (`{object, entry:[{id, changes:[{field, value}]}]}`), decoded.
///
/// Decoding never fails because of unknown fields or message types, and a wrong type in one
/// item only invalidates that item: it lands in ``invalidItems`` with a JSON pointer per
/// problem, while every other item of the delivery decodes normally. Only a body that is not a
/// JSON object at all throws (``WebhookPayloadError``).
public struct WebhookDelivery: Sendable, Equatable {
    /// Meta's maximum delivery size; larger bodies are refused before parsing (`serve`: 413).
    public static let maxBodyBytes = 3 << 20

    /// `whatsapp_business_account` for WhatsApp.
    public var object: String?
    public var entries: [WebhookEntry]
    /// Items (messages, statuses, contacts) that could not be decoded, each with its issues.
    public var invalidItems: [WebhookInvalidItem]
    /// Problems with the delivery's structure outside any item (`entry` not an array, a
    /// change without a value object, …). Invalid items' issues are not repeated here.
    public var structureIssues: [WebhookDecodingIssue]
    public let raw: JSONValue

    /// Every problem: the structural ones, then each invalid item's.
    public var issues: [WebhookDecodingIssue] { structureIssues + invalidItems.flatMap(\.issues) }

    public var isWhatsAppBusinessAccount: Bool { object == "whatsapp_business_account" }

    /// Every change of every entry, in order.
    public var changes: [WebhookChange] { entries.flatMap(\.changes) }

    /// The distinct `metadata.phone_number_id`s (trimmed, non-empty) in order: every tenant the
    /// delivery touches, each of which must verify the signature (SPEC §4 step 4).
    public var phoneNumberIds: [String] {
        var seen: Set<String> = []
        var ids: [String] = []
        for change in changes {
            guard let id = change.value?.metadata?.phoneNumberId?.trimmingJSWhitespace(), !id.isEmpty else { continue }
            if seen.insert(id).inserted { ids.append(id) }
        }
        return ids
    }

    /// Every decoded message with the change it came in.
    public var messageEvents: [WebhookMessageEvent] {
        changes.flatMap { change -> [WebhookMessageEvent] in
            guard let value = change.value else { return [] }
            return value.messages.map { WebhookMessageEvent(change: change, value: value, message: $0) }
        }
    }

    /// Every decoded status with the change it came in.
    public var statusEvents: [WebhookStatusEvent] {
        changes.flatMap { change -> [WebhookStatusEvent] in
            guard let value = change.value else { return [] }
            return value.statuses.map { WebhookStatusEvent(change: change, value: value, status: $0) }
        }
    }
}

/// A message together with its change: which business number received it and who sent it.
public struct WebhookMessageEvent: Sendable, Equatable {
    public let field: String?
    public let isMessagesField: Bool
    public let metadata: WebhookMetadata?
    /// The matching `contacts[]` entry (profile name, BSUID), if any.
    public let contact: WebhookContact?
    public let message: WebhookMessage

    init(change: WebhookChange, value: WebhookChangeValue, message: WebhookMessage) {
        field = change.field
        isMessagesField = change.isMessagesField
        metadata = value.metadata
        contact = value.contact(for: message)
        self.message = message
    }
}

/// A status together with its change.
public struct WebhookStatusEvent: Sendable, Equatable {
    public let field: String?
    public let isMessagesField: Bool
    public let metadata: WebhookMetadata?
    public let status: WebhookStatus

    init(change: WebhookChange, value: WebhookChangeValue, status: WebhookStatus) {
        field = change.field
        isMessagesField = change.isMessagesField
        metadata = value.metadata
        self.status = status
    }
}
