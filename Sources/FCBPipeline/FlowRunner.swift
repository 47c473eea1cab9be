import FCBStore
import FlowEngine
import Foundation

/// The flow part of a message or trigger item: continue an interrupted or delayed run from the
/// item's progress, or start one, then record what happened (typing events, Log snapshot).
struct FlowRunner: Sendable {
    let context: PipelineContext

    enum Step: Sendable {
        case noFlow
        /// A suspended run whose resume time has not come (the item was taken back early).
        case waiting(until: Date)
        case finished(session: SessionRecord, flow: FlowRecord, result: Result<FlowRunOutcome, FlowRunFailure>?)
    }

    func executor(for journal: ItemJournal) -> FlowExecutor {
        context.engine.executor.with(store: RunStore(store: context.store, events: context.events, metrics: context.metrics), journal: journal)
    }

    /// Continues the run recorded in the item's progress. nil: nothing was started (or the
    /// executor never wrote), so the item is routed from the start.
    func resume(journal: ItemJournal) async throws(StoreError) -> Step? {
        let progress = journal.progress
        guard let stage = progress.stage, let sessionId = progress.sessionId,
            var session = try await context.store.session(id: sessionId)
        else { return nil }
        if stage == .run, progress.baseline == ItemProgress.fingerprint(session) { return nil }
        if stage == .wait {
            if let until = progress.until, context.clock.now() < until { return .waiting(until: until) }
            // The journal knew the resume point before the session did (a crash in between).
            if let node = progress.resumeNode, session.status == SessionStatus.active.rawValue { session.currentNodeId = node }
        }
        guard let flow = try await context.store.flow(id: session.flowId) else { return nil }
        guard session.status == SessionStatus.active.rawValue, session.currentNodeId?.isEmpty == false,
            let contact = try await context.store.contact(id: session.contactId)
        else {
            // The run had ended before the process stopped: only the bookkeeping is left.
            return .finished(session: session, flow: flow, result: nil)
        }
        let result = await executor(for: journal).continueRun(session: session, flow: flow, contact: contact)
        return .finished(session: session, flow: flow, result: result)
    }

    /// Records the routed session in the item's progress just before the executor starts.
    func markStart(_ journal: ItemJournal) -> @Sendable (SessionRecord) async throws(StoreError) -> Void {
        { [store = context.store] session async throws(StoreError) in
            // Fingerprint the session as stored (JSONB may order keys differently from memory).
            let stored = try await store.session(id: session.id) ?? session
            try await journal.update {
                $0.stage = .run
                $0.sessionId = session.id
                $0.baseline = ItemProgress.fingerprint(stored)
                $0.send = nil
                $0.resumeNode = nil
                $0.until = nil
            }
        }
    }

    /// Typing events around `body`, then the Log snapshot and the disposition of the item.
    func withTyping(contact: ContactRecord, _ body: () async throws(StoreError) -> Step) async throws(StoreError) -> Step {
        context.events.publish(.typingStart(contactId: contact.id, userId: contact.userId))
        let step: Step
        do {
            step = try await body()
        } catch {
            context.events.publish(.typingStop(contactId: contact.id, userId: contact.userId))
            throw error
        }
        context.events.publish(.typingStop(contactId: contact.id, userId: contact.userId))
        return step
    }

    /// After a run: the Log snapshot (the older path's rules, docs/compatibility.md#logs), metrics,
    /// and what to do with the item.
    func conclude(_ step: Step, item: InboxItem, journal: ItemJournal) async throws(StoreError) -> ItemDisposition {
        let routed: SessionRecord
        let flow: FlowRecord
        let result: Result<FlowRunOutcome, FlowRunFailure>?
        switch step {
        case .noFlow:
            context.metrics.flowRun(.noFlow)
            return .done
        case .waiting(let until):
            return .wait(until: until)
        case .finished(let session, let finishedFlow, let finishedResult):
            (routed, flow, result) = (session, finishedFlow, finishedResult)
        }
        switch result {
        case .success(let outcome)?:
            context.metrics.flowRun(Self.metricName(outcome.result))
            if case .waiting(let node, let until) = outcome.result {
                try await journal.update {
                    $0.stage = .wait
                    $0.sessionId = outcome.session.id
                    $0.resumeNode = node
                    $0.until = until
                    $0.send = nil
                }
                return .wait(until: until)
            }
        case .failure(let failure)?:
            context.metrics.flowRun(.failed)
            if case .store(let error) = failure.error, error.kind == .unavailable {
                return .retry("flow run stopped: \(error)")  // the progress lets the retry continue
            }
            context.logger.warning(
                "flow run failed: \(failure.error)", metadata: ["item": "\(item.id)", "flow": "\(flow.id)", "session": "\(routed.id)"])
        case nil:
            break
        }
        try await SessionSnapshot(store: context.store, clock: context.clock).record(sessionId: routed.id, logId: SessionSnapshot.logId(item: item.id))
        return .done
    }

    static func metricName(_ result: FlowRunResult) -> PipelineMetrics.FlowRunResultLabel {
        switch result {
        case .noTrigger: .noTrigger
        case .paused: .paused
        case .completed: .completed
        case .waiting: .waiting
        case .errored: .errored
        }
    }
}
