import Foundation

/// Why a store operation failed; the message is safe to log.
package struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Kind: String, Sendable { case notFound, conflict, unavailable, invalid }
    package let kind: Kind
    package let message: String
    /// The server's own error fields, when the database reported one (migration failure logs).
    package let report: DatabaseErrorReport?

    package init(_ kind: Kind, _ message: String, report: DatabaseErrorReport? = nil) {
        self.kind = kind
        self.message = message
        self.report = report
    }

    package var description: String { message }

    /// Kind and message; the server report is detail.
    package static func == (a: StoreError, b: StoreError) -> Bool { a.kind == b.kind && a.message == b.message }
}

/// What the executor writes while it runs a flow.
package protocol ExecutorStore: Sendable {
    /// Applies `patch` to the session and bumps its `updatedAt` to `at`.
    func updateSession(id: String, _ patch: SessionPatch, at: Date) async throws(StoreError)
    func insertMessage(_ message: MessageRecord) async throws(StoreError)
}

/// Everything the executor, the simulator and the pipeline read and write. Implemented in
/// memory (simulate, unit tests), and on SQLite and PostgreSQL
/// (docs/targets.md#one-behaviour-on-every-backend).
package protocol FlowStore: ExecutorStore {
    // Sessions
    func session(id: String) async throws(StoreError) -> SessionRecord?
    /// The most recently updated Active or Paused session of a contact (docs/compatibility.md#routing-a-message-to-a-session, step 1).
    func openSession(contactId: String) async throws(StoreError) -> SessionRecord?
    func session(contactId: String, flowId: String) async throws(StoreError) -> SessionRecord?
    /// Every session of a contact, oldest first (by createdAt, then id).
    func sessions(contactId: String) async throws(StoreError) -> [SessionRecord]
    /// Inserts; `conflict` when (contactId, flowId) already has a session.
    func createSession(_ session: SessionRecord) async throws(StoreError)

    // Messages
    func messages(contactId: String) async throws(StoreError) -> [MessageRecord]

    // Contacts
    func contact(id: String) async throws(StoreError) -> ContactRecord?
    func contact(phone: String) async throws(StoreError) -> ContactRecord?
    func insertContact(_ contact: ContactRecord) async throws(StoreError)

    // Flows
    func flow(id: String) async throws(StoreError) -> FlowRecord?
    /// A user's flows with status exactly "Active", most recently updated first.
    func activeFlows(userId: String) async throws(StoreError) -> [FlowRecord]
    func saveFlow(_ flow: FlowRecord) async throws(StoreError)

    // Logs
    func insertLog(_ log: LogRecord) async throws(StoreError)
    func logs(contactId: String) async throws(StoreError) -> [LogRecord]
}
