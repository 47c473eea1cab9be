import FlowEngine

/// One `entry[]` of a delivery: a WhatsApp Business Account and its changes.
package struct WebhookEntry: Sendable, Equatable {
    /// The WhatsApp Business Account id.
    package var id: String?
    package var changes: [WebhookChange]
    package let pointer: JSONPointer
}

/// One `entry[].changes[]`: `{field, value}`.
package struct WebhookChange: Sendable, Equatable {
    /// `messages` for messages and statuses; other subscriptions (`account_update`,
    /// `message_template_status_update`, …) carry other values, kept raw.
    package var field: String?
    package var value: WebhookChangeValue?
    package let pointer: JSONPointer

    /// The reference processes a change when `field` is absent or is `messages` (any case).
    package var isMessagesField: Bool {
        guard let field else { return true }
        return field.jsLowercased() == "messages"
    }
}

/// `entry[].changes[].value` of a `messages` change.
package struct WebhookChangeValue: Sendable, Equatable {
    package var messagingProduct: String?
    package var metadata: WebhookMetadata?
    package var contacts: [WebhookContact]
    package var messages: [WebhookMessage]
    package var statuses: [WebhookStatus]
    /// Change-level errors (Meta reports some system problems here instead of in a message).
    package var errors: [WebhookErrorDetail]
    /// The whole value as delivered, for subscriptions fcb does not model.
    package let raw: JSONValue
    package let pointer: JSONPointer

    /// The profile that goes with a message: the contact whose `wa_id` equals the sender's
    /// phone digits (the reference compares exactly), else the one whose BSUID `user_id` equals
    /// the message's `from_user_id`.
    package func contact(for message: WebhookMessage) -> WebhookContact? {
        if let phone = message.from.flatMap(PhoneNumber.normalize),
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
package struct WebhookMetadata: Sendable, Equatable {
    package var displayPhoneNumber: String?
    package var phoneNumberId: String?
}

/// `value.contacts[]`: the WhatsApp user behind the messages of a change.
package struct WebhookContact: Sendable, Equatable {
    /// The phone number; absent for users who adopted a username and hide their number.
    package var waId: String?
    /// The business-scoped user id (BSUID, e.g. `AR.1234567890123456`), present from 2026 on.
    package var userId: String?
    package var profileName: String?
    package var username: String?
    package let raw: JSONValue
}
