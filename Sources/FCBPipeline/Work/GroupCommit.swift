import FCBRealtime
import FCBStore
import FCBSupport
import FlowEngine
import Foundation
import Synchronization

/// What one unit of work writes when it commits (built by ``UnitOfWork``).
struct UnitCommit: Sendable {
    let itemId: Int64
    /// Staged progress (`.some(nil)` clears it), nil when unchanged.
    let progress: JSONValue??
    let finish: UnitOfWork.Finish?
    let newSessions: [SessionRecord]
    let sessionUpdates: [SessionUpdate]
    let writes: [UnitOfWork.Write]
}

/// Commits the units of work of concurrent items together (docs/serve.md#group-commit): units
/// that arrive while a transaction is in flight wait for the next one, which writes all of them
/// with one statement per kind of row and one durable commit. Under load the cost of a commit is
/// shared by every item in it; a lone unit goes out at once. Per-item meaning is unchanged: each
/// unit's lease is checked first (a unit whose lease was lost writes nothing), and a batch that
/// fails is retried unit by unit, so one bad unit never holds the others back.
final class GroupCommitter: Sendable {
    enum Outcome: Sendable {
        /// Stored; the events of its rows, in order.
        case committed([RealtimeEvent])
        case leaseLost
    }

    let store: any PipelineStore
    let worker: String
    /// Transactions in flight at once (each on its own connection).
    let concurrentCommits: Int
    let maxBatch: Int
    private let queue = Mutex<(waiting: [(UnitCommit, CommitTicket)], inFlight: Int)>(([], 0))
    /// Transactions run and units committed so far (tests and `/metrics`).
    private let counts = Mutex<(transactions: Int, units: Int)>((0, 0))

    var committed: (transactions: Int, units: Int) { counts.withLock { $0 } }
    private let doorbell = Doorbell()

    init(store: any PipelineStore, worker: String, concurrentCommits: Int = 2, maxBatch: Int = 64) {
        self.store = store
        self.worker = worker
        self.concurrentCommits = max(1, concurrentCommits)
        self.maxBatch = max(1, maxBatch)
    }

    /// Waits until `unit` is committed (or failed).
    func commit(_ unit: UnitCommit) async throws(StoreError) -> Outcome {
        let ticket = CommitTicket()
        queue.withLock { $0.waiting.append((unit, ticket)) }
        doorbell.ring()
        return try await ticket.next().get()
    }

    /// Runs the commits until cancelled (inside the worker pool's run, which outlives its items).
    func run() async {
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                let batch = queue.withLock { q -> [(UnitCommit, CommitTicket)] in
                    guard q.inFlight < concurrentCommits, !q.waiting.isEmpty else { return [] }
                    let taken = Array(q.waiting.prefix(maxBatch))
                    q.waiting.removeFirst(taken.count)
                    q.inFlight += 1
                    return taken
                }
                guard !batch.isEmpty else {
                    await doorbell.wait(upTo: .seconds(1))
                    continue
                }
                group.addTask {
                    await self.flush(batch)
                    self.queue.withLock { $0.inFlight -= 1 }
                    self.doorbell.ring()
                }
            }
        }
        let left = queue.withLock { q -> [(UnitCommit, CommitTicket)] in
            defer { q.waiting.removeAll() }
            return q.waiting
        }
        for (_, ticket) in left { ticket.give(.failure(StoreError(.unavailable, "fcb is shutting down; the item continues on the next start"))) }
    }

    private func flush(_ batch: [(UnitCommit, CommitTicket)]) async {
        let units = batch.map(\.0)
        do {
            let outcomes = try await write(units)
            counts.withLock { $0.units += outcomes.count { if case .committed = $0 { true } else { false } } }
            for ((_, ticket), outcome) in zip(batch, outcomes) { ticket.give(.success(outcome)) }
        } catch {
            guard batch.count > 1 else {
                batch[0].1.give(.failure(error))
                return
            }
            // Find the unit that failed: each on its own.
            for (unit, ticket) in batch {
                do {
                    let outcome = try await write([unit])[0]
                    if case .committed = outcome { counts.withLock { $0.units += 1 } }
                    ticket.give(.success(outcome))
                } catch {
                    ticket.give(.failure(error))
                }
            }
        }
    }

    /// One transaction for `units`; an outcome per unit, in order.
    private func write(_ units: [UnitCommit]) async throws(StoreError) -> [Outcome] {
        let worker = worker
        defer { counts.withLock { $0.transactions += 1 } }
        return try await store.unitOfWork { tx async throws(StoreError) -> [Outcome] in
            let held = try await Self.checkLeases(units, worker: worker, on: tx)
            let kept = units.filter { held.contains($0.itemId) }
            try await tx.createSessions(kept.flatMap(\.newSessions).sorted { $0.createdAt < $1.createdAt })
            try await tx.updateSessions(kept.flatMap(\.sessionUpdates))
            var rows: [MessageRecord] = []
            var logs: [LogRecord] = []
            for unit in kept {
                for write in unit.writes {
                    switch write {
                    case .message(let row, _): rows.append(row)
                    case .log(let log): logs.append(log)
                    case .status, .event: break
                    }
                }
            }
            let inserted = try await tx.insertMessagesIfAbsent(rows)
            let statusTargets = kept.flatMap(\.writes).compactMap { write -> String? in
                guard case .message(let row, true) = write, inserted.contains(row.id) else { return nil }
                return row.waMessageId
            }
            let applied = try await tx.applyPendingStatuses(waMessageIds: statusTargets)
            try await tx.insertLogsIfAbsent(logs)
            var outcomes: [Outcome] = []
            for unit in units {
                guard held.contains(unit.itemId) else {
                    outcomes.append(.leaseLost)
                    continue
                }
                var events: [RealtimeEvent] = []
                for write in unit.writes {
                    switch write {
                    case .message(let row, let appliesKeptStatuses):
                        guard inserted.contains(row.id) else { continue }
                        events.append(.messageNew(row))
                        guard appliesKeptStatuses, let waMessageId = row.waMessageId else { continue }
                        for application in applied[waMessageId] ?? [] {
                            if let updated = application.updatedMessage {
                                events.append(Self.statusEvent(updated, waMessageId: waMessageId))
                            }
                        }
                    case .status(let update, let userId):
                        let application = try await tx.applyStatus(update, userId: userId)
                        if let updated = application.updatedMessage { events.append(Self.statusEvent(updated, waMessageId: update.waMessageId)) }
                    case .event(let event):
                        events.append(event)
                    case .log:
                        break
                    }
                }
                outcomes.append(.committed(events))
            }
            return outcomes
        }
    }

    /// Every unit's own row first: progress and completions in one statement each, the rarer
    /// endings one by one. The ids whose lease `worker` still holds.
    private static func checkLeases(_ units: [UnitCommit], worker: String, on tx: any PipelineStore) async throws(StoreError) -> Set<Int64> {
        var held: Set<Int64> = []
        var progressOnly: [(id: Int64, progress: JSONValue?)] = []
        var completions: [(id: Int64, at: Date)] = []
        for unit in units {
            switch unit.finish {
            case .complete(let at)?:
                completions.append((unit.itemId, at))
            case .deferUntil(let until)?:
                if try await tx.deferItem(id: unit.itemId, worker: worker, progress: unit.progress ?? nil, availableAt: until) { held.insert(unit.itemId) }
            case .park(let reason, let at)?:
                if let progress = unit.progress, try await !tx.saveProgress(id: unit.itemId, worker: worker, progress: progress) { continue }
                if try await tx.park(id: unit.itemId, worker: worker, error: reason, at: at) { held.insert(unit.itemId) }
            case nil:
                if let progress = unit.progress {
                    progressOnly.append((unit.itemId, progress))
                } else {
                    held.insert(unit.itemId)  // nothing of its own to write
                }
            }
        }
        held.formUnion(try await tx.saveProgress(progressOnly, worker: worker))
        held.formUnion(try await tx.complete(completions, worker: worker))
        return held
    }

    private static func statusEvent(_ message: MessageRecord, waMessageId: String) -> RealtimeEvent {
        .messageStatus(messageId: message.id, waMessageId: waMessageId, status: message.status, contactId: message.contactId, userId: message.userId)
    }
}

/// One unit's place in the committer's queue: resolved once, awaited once.
typealias CommitTicket = Handoff<Result<GroupCommitter.Outcome, StoreError>>
