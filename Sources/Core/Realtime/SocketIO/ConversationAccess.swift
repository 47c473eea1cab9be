/// Who owns a conversation: a socket authenticated as a dashboard user may join only the
/// rooms of that user's contacts.
public protocol ConversationAccess: Sendable {
    /// The `User.id` owning the contact, or nil when there is no such contact.
    func ownerOfContact(_ contactId: String) async throws -> String?
}

/// The contact's owner read from the shared `Contact` table.
public struct StoreConversationAccess: ConversationAccess {
    public let store: any FlowStore

    public init(store: any FlowStore) {
        self.store = store
    }

    public func ownerOfContact(_ contactId: String) async throws -> String? {
        try await store.contact(id: contactId)?.userId
    }
}
