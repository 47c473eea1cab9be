import FCBStore
import FlowEngine
import Foundation
import Synchronization

/// The send journal of one inbox item: each send is written to the item's progress before it
/// leaves, so a run resumed after a crash recognises the send it was in the middle of.
final class ItemJournal: SendJournal {
    private struct State {
        var progress: ItemProgress
        /// The send recorded by an interrupted attempt; only the resumed run's first send is
        /// compared with it.
        var prior: (nodeId: String, rowId: String)?
    }

    let store: any PipelineStore
    let itemId: Int64
    let worker: String
    private let state: Mutex<State>

    init(store: any PipelineStore, itemId: Int64, worker: String, progress: ItemProgress) {
        self.store = store
        self.itemId = itemId
        self.worker = worker
        state = Mutex(State(progress: progress, prior: progress.send))
    }

    var progress: ItemProgress { state.withLock { $0.progress } }

    func prepareSend(nodeId: String, rowId: String) async throws(StoreError) -> PriorSend {
        let prior = state.withLock { s -> (nodeId: String, rowId: String)? in
            defer { s.prior = nil }
            return s.prior
        }
        if let prior, prior.nodeId == nodeId {
            if let row = try await store.message(id: prior.rowId) { return .alreadySent(row) }
            return .unknownOutcome(rowId: prior.rowId)
        }
        try await update { $0.send = (nodeId, rowId) }
        return .fresh
    }

    func willSuspend(continuingAt nodeId: String, until: Date) async throws(StoreError) {
        try await update {
            $0.stage = .wait
            $0.resumeNode = nodeId
            $0.until = until
            $0.send = nil
        }
    }

    /// Changes the progress and stores it; fails when this worker lost the item's lease.
    func update(_ change: (inout ItemProgress) -> Void) async throws(StoreError) {
        let json = state.withLock { s -> JSONValue? in
            change(&s.progress)
            return s.progress.json
        }
        guard try await store.saveProgress(id: itemId, worker: worker, progress: json) else {
            throw StoreError(.conflict, "inbox item \(itemId) is no longer leased by \(worker)")
        }
    }
}
