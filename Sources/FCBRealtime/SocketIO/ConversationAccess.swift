import FlowEngine

/// Who owns a conversation: a socket authenticated as a dashboard user may join only the
/// rooms of that user's contacts.
package protocol ConversationAccess: Sendable {
    /// The `User.id` owning the contact, or nil when there is no such contact.
    func ownerOfContact(_ contactId: String) async throws -> String?
}

/// The contact's owner read from the shared `Contact` table.
package struct StoreConversationAccess: ConversationAccess {
    package let store: any FlowStore

    package init(store: any FlowStore) {
        self.store = store
    }

    package func ownerOfContact(_ contactId: String) async throws -> String? {
        try await store.contact(id: contactId)?.userId
    }
}
