import Foundation

/// The store behind `fcb simulate` and unit tests: the same rules as the SQL stores
/// (unique keys, ordering), kept in an actor.
public actor InMemoryStore: FlowStore {
    private var sessions: [String: SessionRecord] = [:]
    private var messagesById: [String: MessageRecord] = [:]
    private var messageOrder: [String] = []
    private var contacts: [String: ContactRecord] = [:]
    private var flows: [String: FlowRecord] = [:]
    private var logRecords: [LogRecord] = []

    public init() {}

    // MARK: Sessions

    public func session(id: String) -> SessionRecord? { sessions[id] }

    public func openSession(contactId: String) -> SessionRecord? {
        sessions.values
            .filter { $0.contactId == contactId && ($0.status == "Active" || $0.status == "Paused") }
            .max { ($0.updatedAt, $0.id) < ($1.updatedAt, $1.id) }
    }

    public func session(contactId: String, flowId: String) -> SessionRecord? {
        sessions.values.first { $0.contactId == contactId && $0.flowId == flowId }
    }

    public func createSession(_ session: SessionRecord) throws(StoreError) {
        if sessions[session.id] != nil { throw StoreError(.conflict, "session id \(session.id) already exists") }
        if self.session(contactId: session.contactId, flowId: session.flowId) != nil {
            throw StoreError(.conflict, "Unique constraint failed on Session_contactId_flowId_key")
        }
        sessions[session.id] = session
    }

    public func updateSession(id: String, _ patch: SessionPatch, at: Date) throws(StoreError) {
        guard var session = sessions[id] else { throw StoreError(.notFound, "session \(id) not found") }
        if let status = patch.status { session.status = status }
        if let node = patch.currentNodeId { session.currentNodeId = node }
        if let context = patch.context { session.context = context }
        session.updatedAt = at
        sessions[id] = session
    }

    public func allSessions() -> [SessionRecord] { sessions.values.sorted { $0.createdAt < $1.createdAt || ($0.createdAt == $1.createdAt && $0.id < $1.id) } }

    // MARK: Messages

    public func insertMessage(_ message: MessageRecord) throws(StoreError) {
        if messagesById[message.id] != nil { throw StoreError(.conflict, "message id \(message.id) already exists") }
        if let wa = message.waMessageId, messagesById.values.contains(where: { $0.waMessageId == wa }) {
            throw StoreError(.conflict, "Unique constraint failed on Message_waMessageId_key")
        }
        messagesById[message.id] = message
        messageOrder.append(message.id)
    }

    public func messages(contactId: String) -> [MessageRecord] {
        messageOrder.compactMap { messagesById[$0] }.filter { $0.contactId == contactId }
    }

    public func allMessages() -> [MessageRecord] { messageOrder.compactMap { messagesById[$0] } }

    // MARK: Contacts

    public func contact(id: String) -> ContactRecord? { contacts[id] }
    public func contact(phone: String) -> ContactRecord? { contacts.values.first { $0.phone == phone } }

    public func insertContact(_ contact: ContactRecord) throws(StoreError) {
        if contacts[contact.id] != nil || self.contact(phone: contact.phone) != nil {
            throw StoreError(.conflict, "Unique constraint failed on Contact_phone_key")
        }
        contacts[contact.id] = contact
    }

    // MARK: Flows

    public func flow(id: String) -> FlowRecord? { flows[id] }

    public func activeFlows(userId: String) -> [FlowRecord] {
        flows.values.filter { $0.userId == userId && $0.status == "Active" }
            .sorted { ($0.updatedAt, $0.id) > ($1.updatedAt, $1.id) }
    }

    public func saveFlow(_ flow: FlowRecord) { flows[flow.id] = flow }

    // MARK: Logs

    public func insertLog(_ log: LogRecord) { logRecords.append(log) }
    public func logs(contactId: String) -> [LogRecord] { logRecords.filter { $0.contactId == contactId } }
}
