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
        var prior: (nodeId: String, rowId: String)?
    }

    let unit: UnitOfWork
    private let state: Mutex<State>

    init(unit: UnitOfWork, progress: ItemProgress) {
        self.unit = unit
        state = Mutex(State(progress: progress, prior: progress.send))
    }

    var progress: ItemProgress { state.withLock { $0.progress } }

    /// The step boundary: the journal entry and everything staged before it commit together.
    func prepareSend(nodeId: String, rowId: String) async throws(StoreError) -> PriorSend {
        let prior = state.withLock { s -> (nodeId: String, rowId: String)? in
            defer { s.prior = nil }
            return s.prior
        }
        if let prior, prior.nodeId == nodeId {
            if let row = try await unit.store.message(id: prior.rowId) { return .alreadySent(row) }
            return .unknownOutcome(rowId: prior.rowId)
        }
        update { $0.send = (nodeId, rowId) }
        try await unit.commit()
        return .fresh
    }

    func willSuspend(continuingAt nodeId: String, until: Date) async throws(StoreError) {
        update {
            $0.stage = .wait
            $0.resumeNode = nodeId
            $0.until = until
            $0.send = nil
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
