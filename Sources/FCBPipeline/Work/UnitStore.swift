import FCBStore
import FlowEngine
import Foundation

/// The store the conversation engine and the executor see while an item runs: session and row
/// writes go to the item's ``UnitOfWork`` (committed at the step's boundary), session reads see
/// those writes, flows come from the ``FlowCache``, everything else reads the database.
struct UnitStore: FlowStore {
    let unit: UnitOfWork
    let flows: FlowCache
    var base: any PipelineStore { unit.store }

    // MARK: Sessions

    func session(id: String) async throws(StoreError) -> SessionRecord? {
        if let tracked = unit.trackedSession(id: id) { return tracked }
        return try await base.session(id: id).map { unit.track($0) }
    }

    /// Routing asks for the contact's open session, then maybe its session of another flow:
    /// one read of all the contact's sessions (one per flow at most) answers both.
    func openSession(contactId: String) async throws(StoreError) -> SessionRecord? {
        try await sessions(contactId: contactId)
            .filter { $0.status == SessionStatus.active.rawValue || $0.status == SessionStatus.paused.rawValue }
            .max { ($0.updatedAt, $0.id) < ($1.updatedAt, $1.id) }
    }

    func session(contactId: String, flowId: String) async throws(StoreError) -> SessionRecord? {
        if let tracked = unit.trackedSession(contactId: contactId, flowId: flowId) { return tracked }
        return try await sessions(contactId: contactId).first { $0.flowId == flowId }
    }

    /// The contact's sessions as this item sees them, read once per item.
    func sessions(contactId: String) async throws(StoreError) -> [SessionRecord] {
        if let known = unit.trackedSessions(contactId: contactId) { return known }
        let stored = try await base.sessions(contactId: contactId)
        return unit.trackAll(stored, contactId: contactId)
    }

    /// Routing creates a session only after finding none for (contact, flow); the database's
    /// unique key still guards the commit.
    func createSession(_ session: SessionRecord) async throws(StoreError) {
        try unit.createSession(session)
    }

    func updateSession(id: String, _ patch: SessionPatch, at: Date) async throws(StoreError) {
        if unit.updateSession(id: id, patch, at: at) { return }
        guard let stored = try await base.session(id: id) else { throw StoreError(.notFound, "session \(id) not found") }
        unit.track(stored)
        _ = unit.updateSession(id: id, patch, at: at)
    }

    // MARK: Rows

    /// The executor's rows: stored with the step, announced after its commit.
    func insertMessage(_ message: MessageRecord) async throws(StoreError) {
        unit.stage(.message(message, appliesKeptStatuses: true))
    }

    func messages(contactId: String) async throws(StoreError) -> [MessageRecord] { try await base.messages(contactId: contactId) }

    func insertLog(_ log: LogRecord) async throws(StoreError) { unit.stage(.log(log)) }
    func logs(contactId: String) async throws(StoreError) -> [LogRecord] { try await base.logs(contactId: contactId) }

    // MARK: Contacts and flows

    func contact(id: String) async throws(StoreError) -> ContactRecord? { try await base.contact(id: id) }
    func contact(phone: String) async throws(StoreError) -> ContactRecord? { try await base.contact(phone: phone) }
    func insertContact(_ contact: ContactRecord) async throws(StoreError) { try await base.insertContact(contact) }

    func flow(id: String) async throws(StoreError) -> FlowRecord? { try await flows.flow(id: id, store: base) }
    func activeFlows(userId: String) async throws(StoreError) -> [FlowRecord] { try await flows.activeFlows(userId: userId, store: base) }
    func saveFlow(_ flow: FlowRecord) async throws(StoreError) { try await base.saveFlow(flow) }
}
