import FCBRealtime
import FCBStore
import FlowEngine
import Foundation
import Synchronization

/// The writes of one step of an inbox item, held in memory and committed together in one
/// transaction at the step's boundary (docs/serve.md#units-of-work): before each send, and at
/// the end with the item's outcome. A send is therefore recorded as started in the same commit as
/// everything the run did before it, and a crash loses either a whole step or nothing.
///
/// Sessions are kept here as whole rows (read once, then patched in memory), so reads within the
/// item see the item's own writes, and several patches of one session in one step become one
/// UPDATE. Realtime events of the step's rows are published after the commit that stores them.
final class UnitOfWork: Sendable {
    /// A row write, in the order the item made it.
    enum Write: Sendable {
        /// A Message row; `appliesKeptStatuses` for the executor's rows (a status can overtake
        /// its row), announced with `message:new` when it was inserted.
        case message(MessageRecord, appliesKeptStatuses: Bool)
        case log(LogRecord)
        case status(DeliveryStatusUpdate, userId: String)
        /// An event with no row (typing), published in its place among the rows' events.
        case event(RealtimeEvent)
    }

    /// How the item ends, written with the lease checked first.
    enum Finish: Sendable {
        case complete(at: Date)
        /// Set aside with a reason, keeping its progress (where it stopped) for a requeue.
        case park(String, at: Date)
        /// A durable delay: back in line at `until` with its progress.
        case deferUntil(Date)
    }

    /// The item's own row in this unit: its progress, then how it ends.
    struct ItemWrite: Sendable {
        /// Staged progress (`.some(nil)` clears it).
        var progress: JSONValue??
        var finish: Finish?
    }

    struct TrackedSession: Sendable {
        var record: SessionRecord
        /// Not in the database yet: committed as an INSERT of the final row.
        var isNew: Bool
        /// The fields patched since the last commit (written as one UPDATE).
        var patch: SessionPatch?
    }

    private struct State {
        var sessions: [String: TrackedSession] = [:]
        var writes: [Write] = []
        var item = ItemWrite()
        /// A row recording a send Meta accepted: worth retrying through a database blip.
        var holdsSentRow = false
        /// Contacts whose every session is tracked (read once).
        var loadedContacts: Set<String> = []
    }

    let committer: GroupCommitter
    let itemId: Int64
    let events: any RealtimeEventSink
    private let state = Mutex(State())

    init(committer: GroupCommitter, itemId: Int64, events: any RealtimeEventSink) {
        self.committer = committer
        self.itemId = itemId
        self.events = events
    }

    /// The database, for reads (writes go through ``commit()``).
    var store: any PipelineStore { committer.store }

    // MARK: Staging

    func stage(_ write: Write) {
        state.withLock { s in
            s.writes.append(write)
            if case .message(let row, true) = write, row.status == "Sent", row.waMessageId != nil { s.holdsSentRow = true }
        }
    }

    /// The item's progress (the journal), stored with the next commit.
    func stage(progress: JSONValue?) {
        state.withLock { $0.item.progress = .some(progress) }
    }

    /// How the item ends; committed by the final ``commit()``.
    func stage(finish: Finish) {
        state.withLock { $0.item.finish = finish }
    }

    /// Forgets everything staged since the last commit (the attempt failed; the item is retried
    /// from its last committed step); a staged end of typing is still announced.
    func discard() {
        let dropped = state.withLock { s -> [Write] in
            defer { s = State() }
            return s.writes
        }
        // Typing that started must still end.
        for case .event(let event) in dropped {
            if case .typingStop = event { events.publish(event) }
        }
    }

    // MARK: Sessions

    func trackedSession(id: String) -> SessionRecord? { state.withLock { $0.sessions[id]?.record } }

    func trackedSession(contactId: String, flowId: String) -> SessionRecord? {
        state.withLock { s in s.sessions.values.first { $0.record.contactId == contactId && $0.record.flowId == flowId }?.record }
    }

    /// Every session of the contact, oldest first, when they were all read (``trackAll(_:contactId:)``).
    func trackedSessions(contactId: String) -> [SessionRecord]? {
        state.withLock { s in
            guard s.loadedContacts.contains(contactId) else { return nil }
            return s.sessions.values.map(\.record).filter { $0.contactId == contactId }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        }
    }

    /// Remembers all of a contact's sessions as read (tracked rows are kept: they are newer).
    func trackAll(_ sessions: [SessionRecord], contactId: String) -> [SessionRecord] {
        state.withLock { s in
            for session in sessions where s.sessions[session.id] == nil {
                s.sessions[session.id] = TrackedSession(record: session, isNew: false)
            }
            s.loadedContacts.insert(contactId)
            return s.sessions.values.map(\.record).filter { $0.contactId == contactId }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        }
    }

    /// Remembers a row as read from the database (a tracked row is kept: it is newer).
    @discardableResult
    func track(_ session: SessionRecord) -> SessionRecord {
        state.withLock { s in
            if let tracked = s.sessions[session.id] { return tracked.record }
            s.sessions[session.id] = TrackedSession(record: session, isNew: false)
            return session
        }
    }

    func createSession(_ session: SessionRecord) throws(StoreError) {
        try state.withLock { s throws(StoreError) in
            if s.sessions.values.contains(where: { $0.record.contactId == session.contactId && $0.record.flowId == session.flowId }) {
                throw StoreError(.conflict, "Unique constraint failed on Session_contactId_flowId_key")
            }
            s.sessions[session.id] = TrackedSession(record: session, isNew: true)
        }
    }

    /// Applies `patch` to a tracked row; false when the row is not tracked.
    func updateSession(id: String, _ patch: SessionPatch, at: Date) -> Bool {
        state.withLock { s in
            guard var tracked = s.sessions[id] else { return false }
            if let status = patch.status { tracked.record.status = status.rawValue }
            if let node = patch.currentNodeId { tracked.record.currentNodeId = node }
            if let context = patch.context { tracked.record.context = context }
            tracked.record.updatedAt = at
            if !tracked.isNew {
                var merged = tracked.patch ?? SessionPatch()
                if let status = patch.status { merged.status = status }
                if let node = patch.currentNodeId { merged.currentNodeId = .some(node) }
                if let context = patch.context { merged.context = context }
                tracked.patch = merged
            }
            s.sessions[id] = tracked
            return true
        }
    }

    // MARK: Commit

    private static func leaseLost(itemId: Int64, worker: String) -> String {
        "inbox item \(itemId) is no longer leased by \(worker)"
    }

    /// The commit found the item leased by someone else (its lease ran out): nothing was written.
    static func isLeaseLost(_ error: StoreError) -> Bool {
        error.kind == .conflict && error.message.hasPrefix("inbox item ") && error.message.contains(" is no longer leased by ")
    }

    /// Commits everything staged in one transaction, then publishes the events of the rows it
    /// stored. A unit holding a sent message's row retries a database blip (0.5 s … 8 s, ~15 s):
    /// losing it would turn a delivered message into one of unknown outcome.
    func commit() async throws(StoreError) {
        let attempts = state.withLock { $0.holdsSentRow } ? 5 : 1
        var pause = Duration.milliseconds(500)
        for attempt in 1...attempts {
            do {
                try await commitOnce()
                return
            } catch {
                guard attempt < attempts, error.kind == .unavailable, (try? await Task.sleep(for: pause)) != nil else { throw error }
                pause *= 2
            }
        }
    }

    private func commitOnce() async throws(StoreError) {
        let (payload, sessionIds, writeCount) = state.withLock { s -> (UnitCommit, [String], Int) in
            let dirty = s.sessions.values.filter { $0.isNew || $0.patch != nil }
            let payload = UnitCommit(
                itemId: itemId, progress: s.item.progress, finish: s.item.finish,
                newSessions: dirty.filter(\.isNew).map(\.record),
                sessionUpdates: dirty.compactMap { tracked in
                    tracked.patch.map { SessionUpdate(id: tracked.record.id, patch: $0, at: tracked.record.updatedAt) }
                },
                writes: s.writes)
            return (payload, dirty.map(\.record.id), s.writes.count)
        }
        guard
            payload.progress != nil || payload.finish != nil || !payload.newSessions.isEmpty || !payload.sessionUpdates.isEmpty
                || !payload.writes.isEmpty
        else { return }
        switch try await committer.commit(payload) {
        case .leaseLost:
            throw StoreError(.conflict, Self.leaseLost(itemId: itemId, worker: committer.worker))
        case .committed(let published):
            state.withLock { s in
                s.writes.removeFirst(min(writeCount, s.writes.count))
                s.item = ItemWrite()
                s.holdsSentRow = false
                for id in sessionIds {
                    s.sessions[id]?.isNew = false
                    s.sessions[id]?.patch = nil
                }
            }
            for event in published { events.publish(event) }
        }
    }

}
