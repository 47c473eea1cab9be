import FlowEngine
import Foundation
import Synchronization

/// The store behind `fcb simulate` and unit tests: the same rules as the SQL stores (unique
/// keys, ordering), held under one lock. A lock rather than an actor: every operation is short
/// and synchronous, and the executor writes twice per node step.
package final class InMemoryStore: FlowStore {
    struct State {
        var sessions: [String: SessionRecord] = [:]
        var messagesById: [String: MessageRecord] = [:]
        var messageOrder: [String] = []
        var waMessageIds: Set<String> = []
        var contacts: [String: ContactRecord] = [:]
        var flows: [String: FlowRecord] = [:]
        var logs: [LogRecord] = []
        var broadcasts: [String: BroadcastRecord] = [:]
        var recipients: [String: BroadcastRecipientRecord] = [:]
        /// Statuses that arrived before their message (`fcb.pending_status`).
        var keptStatuses: [KeptStatus] = []
        /// When each kept status arrived (`fcb.pending_status.received_at`), for retention.
        var keptReceivedAt: [Int64: Date] = [:]
        var nextKeptStatusId: Int64 = 0

        func session(contactId: String, flowId: String) -> SessionRecord? {
            sessions.values.first { $0.contactId == contactId && $0.flowId == flowId }
        }

        func contact(phone: String) -> ContactRecord? { contacts.values.first { $0.phone == phone } }
    }

    let state = Mutex(State())

    struct Tenants {
        var users: [String: UserRecord] = [:]
    }

    struct Inbox {
        var items: [InboxItem] = []
        var leases: [(worker: String, until: Date)?] = []
        var dedupeKeys: Set<String> = []
        /// `finished_at` of done items, for retention.
        var finishedAt: [Int64: Date] = [:]
        var nextId: Int64 = 0
    }

    let tenants = Mutex(Tenants())
    let inbox = Mutex(Inbox())

    package init() {}

    // MARK: Sessions

    package func session(id: String) async -> SessionRecord? { state.withLock { $0.sessions[id] } }

    package func openSession(contactId: String) async -> SessionRecord? {
        state.withLock { s in
            s.sessions.values
                .filter { $0.contactId == contactId && ($0.status == SessionStatus.active.rawValue || $0.status == SessionStatus.paused.rawValue) }
                .max { ($0.updatedAt, $0.id) < ($1.updatedAt, $1.id) }
        }
    }

    package func session(contactId: String, flowId: String) async -> SessionRecord? {
        state.withLock { $0.session(contactId: contactId, flowId: flowId) }
    }

    package func createSession(_ session: SessionRecord) async throws(StoreError) {
        try state.withLock { s throws(StoreError) in
            if s.sessions[session.id] != nil { throw StoreError(.conflict, "Unique constraint failed on Session_pkey") }
            if s.session(contactId: session.contactId, flowId: session.flowId) != nil {
                throw StoreError(.conflict, "Unique constraint failed on Session_contactId_flowId_key")
            }
            s.sessions[session.id] = session
        }
    }

    package func updateSession(id: String, _ patch: SessionPatch, at: Date) async throws(StoreError) {
        try state.withLock { s throws(StoreError) in
            guard var session = s.sessions[id] else { throw StoreError(.notFound, "session \(id) not found") }
            s.sessions[id] = nil  // keep the record uniquely referenced while it is patched
            if let status = patch.status { session.status = status.rawValue }
            if let node = patch.currentNodeId { session.currentNodeId = node }
            if let context = patch.context { session.context = context }
            session.updatedAt = at
            s.sessions[id] = session
        }
    }

    package func sessions(contactId: String) async -> [SessionRecord] {
        state.withLock { s in
            s.sessions.values.filter { $0.contactId == contactId }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        }
    }

    package func allSessions() async -> [SessionRecord] {
        state.withLock { s in
            s.sessions.values.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        }
    }

    // MARK: Messages

    package func insertMessage(_ message: MessageRecord) async throws(StoreError) {
        try state.withLock { s throws(StoreError) in
            if s.messagesById[message.id] != nil { throw StoreError(.conflict, "Unique constraint failed on Message_pkey") }
            if let wa = message.waMessageId {
                guard s.waMessageIds.insert(wa).inserted else {
                    throw StoreError(.conflict, "Unique constraint failed on Message_waMessageId_key")
                }
            }
            s.messagesById[message.id] = message
            s.messageOrder.append(message.id)
        }
    }

    package func messages(contactId: String) async -> [MessageRecord] {
        // Same order as the SQL stores: by createdAt, then id.
        state.withLock { s in
            s.messageOrder.compactMap { s.messagesById[$0] }.filter { $0.contactId == contactId }
                .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        }
    }

    package func allMessages() async -> [MessageRecord] {
        state.withLock { s in s.messageOrder.compactMap { s.messagesById[$0] } }
    }

    // MARK: Contacts

    package func contact(id: String) async -> ContactRecord? { state.withLock { $0.contacts[id] } }
    package func contact(phone: String) async -> ContactRecord? { state.withLock { $0.contact(phone: phone) } }

    package func insertContact(_ contact: ContactRecord) async throws(StoreError) {
        try state.withLock { s throws(StoreError) in
            if s.contacts[contact.id] != nil { throw StoreError(.conflict, "Unique constraint failed on Contact_pkey") }
            if s.contact(phone: contact.phone) != nil {
                throw StoreError(.conflict, "Unique constraint failed on Contact_phone_key")
            }
            s.contacts[contact.id] = contact
        }
    }

    // MARK: Flows

    package func flow(id: String) async -> FlowRecord? { state.withLock { $0.flows[id] } }

    package func activeFlows(userId: String) async -> [FlowRecord] {
        state.withLock { s in
            s.flows.values.filter { $0.userId == userId && $0.isActive }
                .sorted { ($0.updatedAt, $0.id) > ($1.updatedAt, $1.id) }
        }
    }

    package func saveFlow(_ flow: FlowRecord) async { state.withLock { $0.flows[flow.id] = flow } }

    // MARK: Logs

    package func insertLog(_ log: LogRecord) async { state.withLock { $0.logs.append(log) } }
    package func logs(contactId: String) async -> [LogRecord] {
        state.withLock { s in s.logs.filter { $0.contactId == contactId }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) } }
    }
}
