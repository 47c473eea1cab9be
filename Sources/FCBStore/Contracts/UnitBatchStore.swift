import FlowEngine
import Foundation

/// A session write of a group commit: the fields `patch` sets, and the new `updatedAt`.
package struct SessionUpdate: Sendable, Equatable {
    package var id: String
    package var patch: SessionPatch
    package var at: Date

    package init(id: String, patch: SessionPatch, at: Date) {
        self.id = id
        self.patch = patch
        self.at = at
    }
}

/// The writes of many units of work in few statements (docs/serve.md#group-commit): `fcb serve`
/// commits the units of concurrent items together, one statement per kind of row. Each has the
/// meaning of its one-row counterpart in ``PipelineStore``; the defaults run that one row at a
/// time (the in-memory store), the SQL store overrides them with multi-row statements.
package protocol UnitBatchStore: Sendable {
    /// Stores each progress on its item when `worker` holds its lease; the ids that were held.
    func saveProgress(_ entries: [(id: Int64, progress: JSONValue?)], worker: String) async throws(StoreError) -> Set<Int64>
    /// Marks the items `worker` holds done, each at its time; the ids that were held.
    func complete(_ entries: [(id: Int64, at: Date)], worker: String) async throws(StoreError) -> Set<Int64>
    func createSessions(_ sessions: [SessionRecord]) async throws(StoreError)
    /// `notFound` when a session is missing, like ``ExecutorStore/updateSession(id:_:at:)``.
    func updateSessions(_ updates: [SessionUpdate]) async throws(StoreError)
    /// The ids of the rows inserted (a row whose id or `waMessageId` exists is skipped).
    func insertMessagesIfAbsent(_ messages: [MessageRecord]) async throws(StoreError) -> Set<String>
    func insertLogsIfAbsent(_ logs: [LogRecord]) async throws(StoreError)
    /// ``PipelineStore/applyPendingStatuses(waMessageId:)`` for several ids, in one transaction;
    /// ids with nothing applied are absent.
    func applyPendingStatuses(waMessageIds: [String]) async throws(StoreError) -> [String: [StatusApplication]]
}

extension UnitBatchStore where Self: PipelineStore {
    package func saveProgress(_ entries: [(id: Int64, progress: JSONValue?)], worker: String) async throws(StoreError) -> Set<Int64> {
        var held: Set<Int64> = []
        for entry in entries where try await saveProgress(id: entry.id, worker: worker, progress: entry.progress) { held.insert(entry.id) }
        return held
    }

    package func complete(_ entries: [(id: Int64, at: Date)], worker: String) async throws(StoreError) -> Set<Int64> {
        var held: Set<Int64> = []
        for entry in entries where try await complete(id: entry.id, worker: worker, at: entry.at) { held.insert(entry.id) }
        return held
    }

    package func createSessions(_ sessions: [SessionRecord]) async throws(StoreError) {
        for session in sessions { try await createSession(session) }
    }

    package func updateSessions(_ updates: [SessionUpdate]) async throws(StoreError) {
        for update in updates { try await updateSession(id: update.id, update.patch, at: update.at) }
    }

    package func insertMessagesIfAbsent(_ messages: [MessageRecord]) async throws(StoreError) -> Set<String> {
        var inserted: Set<String> = []
        for message in messages where try await insertMessageIfAbsent(message) { inserted.insert(message.id) }
        return inserted
    }

    package func insertLogsIfAbsent(_ logs: [LogRecord]) async throws(StoreError) {
        for log in logs { _ = try await insertLogIfAbsent(log) }
    }

    package func applyPendingStatuses(waMessageIds: [String]) async throws(StoreError) -> [String: [StatusApplication]] {
        var applied: [String: [StatusApplication]] = [:]
        for id in Set(waMessageIds).sorted() {
            let results = try await applyPendingStatuses(waMessageId: id)
            if !results.isEmpty { applied[id] = results }
        }
        return applied
    }
}
