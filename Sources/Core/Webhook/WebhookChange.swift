/// One `entry[]` of a delivery: a WhatsApp Business Account and its changes.
public struct WebhookEntry: Sendable, Equatable {
    /// The WhatsApp Business Account id.
    public var id: String?
    public var changes: [WebhookChange]
    public let pointer: JSONPointer
}

/// One `entry[].changes[]`: `{field, value}`.
public struct WebhookChange: Sendable, Equatable {
    /// `messages` for messages and statuses; other subscriptions (`account_update`,
    /// `message_template_status_update`, …) carry other values, kept raw.
    public var field: String?
    public var value: WebhookChangeValue?
    public let pointer: JSONPointer

    /// The reference processes a change when `field` is absent or is `messages` (any case).
    public var isMessagesField: Bool {
        guard let field else { return true }
        return field.jsLowercased() == "messages"
    }
}

/// `entry[].changes[].value` of a `messages` change.
public struct WebhookChangeValue: Sendable, Equatable {
    public var messagingProduct: String?
    public var metadata: WebhookMetadata?
    public var contacts: [WebhookContact]
    public var messages: [WebhookMessage]
    public var statuses: [WebhookStatus]
    /// Change-level errors (Meta reports some system problems here instead of in a message).
    public var errors: [WebhookErrorDetail]
    /// The whole value as delivered, for subscriptions fcb does not model.
    public let raw: JSONValue
    public let pointer: JSONPointer

    /// The profile that goes with a message: the contact whose `wa_id` equals the sender's
    /// phone digits (the reference compares exactly), else the one whose BSUID `user_id` equals
    /// the message's `from_user_id`.
    public func contact(for message: WebhookMessage) -> WebhookContact? {
        if let phone = message.from.flatMap(CloudAPIRenderer.normalizePhone),
            let contact = contacts.first(where: { $0.waId == phone })
        {
            return contact
        }
        if let userId = message.fromUserId, !userId.isEmpty {
            return contacts.first { $0.userId == userId }
        }
        return nil
    }
}

/// `value.metadata`: which business phone number the change is about.
public struct WebhookMetadata: Sendable, Equatable {
    public var displayPhoneNumber: String?
    public var phoneNumberId: String?
}

/// `value.contacts[]`: the WhatsApp user behind the messages of a change.
public struct WebhookContact: Sendable, Equatable {
    /// The phone number; absent for users who adopted a username and hide their number.
    public var waId: String?
    /// The business-scoped user id (BSUID, e.g. `AR.1234567890123456`), present from 2026 on.
    public var userId: String?
    public var profileName: String?
    public var username: String?
    public let raw: JSONValue
}
