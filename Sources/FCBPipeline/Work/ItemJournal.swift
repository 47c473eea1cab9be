import FCBStore
import FlowEngine
import Foundation
import Synchronization

/// The send journal of one inbox item (docs/serve.md#units-of-work): each send is recorded as
/// started in the item's progress, committed with everything the run did before it, before the
/// message leaves — so a run resumed after a crash recognises the send it was in the middle of.
final class ItemJournal: SendJournal {
    private struct State {
        var progress: ItemProgress
        /// The send recorded by an interrupted attempt; only the resumed run's first send is
        /// compared with it.
        var prior: (nodeId: String, rowId: String, rejected: Bool)?
        /// The call recorded by an interrupted attempt; only the resumed run's first call is
        /// compared with it.
        var priorCall: String?
    }

    let unit: UnitOfWork
    private let state: Mutex<State>
    private let deferrals: SendDeferrals

    init(unit: UnitOfWork, progress: ItemProgress, deferrals: SendDeferrals = SendDeferrals()) {
        self.unit = unit
        self.deferrals = deferrals
        state = Mutex(
            State(progress: progress, prior: progress.send.map { ($0.nodeId, $0.rowId, progress.sendRejected) }, priorCall: progress.callNodeId))
    }

    var progress: ItemProgress { state.withLock { $0.progress } }

    /// The step boundary: the journal entry and everything staged before it commit together.
    func prepareSend(nodeId: String, rowId: String) async throws(StoreError) -> PriorSend {
        let prior = state.withLock { s -> (nodeId: String, rowId: String, rejected: Bool)? in
            defer { s.prior = nil }
            return s.prior
        }
        var repeating = false
        if let prior, prior.nodeId == nodeId {
            if let row = try await unit.store.message(id: prior.rowId) { return .alreadySent(row) }
            // Meta said it did not take it: sending it again is safe.
            guard prior.rejected else { return .unknownOutcome(rowId: prior.rowId) }
            repeating = true
        }
        update {
            $0.send = (nodeId, rowId)
            $0.sendRejected = false
            $0.callNodeId = nil
            if !repeating { $0.deferral = nil }
        }
        try await unit.commit()
        return .fresh
    }

    /// The step boundary of an `api` call that is not safe to repeat: recorded as started and
    /// committed with everything before it, so a resumed run does not make it twice.
    func prepareCall(nodeId: String) async throws(StoreError) -> PriorCall {
        let prior = state.withLock { s -> String? in
            defer { s.priorCall = nil }
            return s.priorCall
        }
        if prior == nodeId { return .interrupted }
        update {
            $0.callNodeId = nodeId
            $0.send = nil
            $0.sendRejected = false
        }
        try await unit.commit()
        return .fresh
    }

    /// Meta did not take the send just prepared: the item is deferred to send it again (backoff
    /// from ``SendDeferrals``), until the reply deadline passes.
    func sendNotAccepted(nodeId: String, rowId: String, error: String) async -> SendDeferral {
        let now = deferrals.clock.now()
        let since = progress.deferral?.since ?? now
        let count = (progress.deferral?.count ?? 0) + 1
        guard let at = deferrals.next(since: since, count: count, now: now) else {
            return .giveUp(reason: "not accepted by Meta for \(SendDeferrals.describe(now.timeIntervalSince(since))); gave up after FCB_REPLY_DEADLINE")
        }
        update {
            $0.send = (nodeId, rowId)
            $0.sendRejected = true
            $0.deferral = (since, count)
        }
        return .retry(at: at)
    }

    func willSuspend(continuingAt nodeId: String, until: Date) async throws(StoreError) {
        update {
            $0.stage = .wait
            $0.resumeNode = nodeId
            $0.until = until
            $0.send = nil
            $0.callNodeId = nil
        }
    }

    /// Changes the progress; it is stored with the item's next commit (which fails when this
    /// worker lost the item's lease).
    func update(_ change: (inout ItemProgress) -> Void) {
        let json = state.withLock { s -> JSONValue? in
            change(&s.progress)
            return s.progress.json
        }
        unit.stage(progress: json)
    }
}
