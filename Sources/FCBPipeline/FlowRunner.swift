import FCBStore
import FCBSupport
import FlowEngine
import Foundation

/// The flow part of a message or trigger item, on the item's unit of work
/// (docs/serve.md#units-of-work): continue an interrupted or delayed run from the item's
/// progress, or route and start one, then record what happened (typing events, Log snapshot).
struct FlowRunner: Sendable {
    let context: PipelineContext
    let journal: ItemJournal
    /// Sessions and rows as the item sees them: its own writes included, committed at its steps.
    let store: UnitStore

    init(context: PipelineContext, journal: ItemJournal) {
        self.context = context
        self.journal = journal
        store = UnitStore(unit: journal.unit, flows: context.flows)
    }

    enum Step: Sendable {
        case noFlow
        /// A suspended run whose resume time has not come (the item was taken back early).
        case waiting(until: Date)
        case finished(session: SessionRecord, flow: FlowRecord, result: Result<FlowRunOutcome, FlowRunFailure>?)
    }

    var executor: FlowExecutor { context.engine.executor.with(store: store, journal: journal) }

    /// The conversation engine on this item's store and journal.
    var engine: ConversationEngine {
        ConversationEngine(store: store, executor: executor, sessionTimeout: context.engine.sessionTimeout)
    }

    /// Continues the run recorded in the item's progress. nil: nothing was started, so the item
    /// is routed from the start.
    func resume() async throws(StoreError) -> Step? {
        let progress = journal.progress
        guard let stage = progress.stage, let sessionId = progress.sessionId,
            var session = try await store.session(id: sessionId)
        else { return nil }
        // Progress written by fcb before units of work: the run's first writes could land
        // without the progress, so an unchanged session means it never started.
        if stage == .run, let baseline = progress.baseline, baseline == ItemProgress.fingerprint(session) { return nil }
        if stage == .wait {
            if let until = progress.until, context.clock.now() < until { return .waiting(until: until) }
            // The journal knew the resume point before the session did (a crash in between).
            if let node = progress.resumeNode, session.status == SessionStatus.active.rawValue { session.currentNodeId = node }
        }
        guard let flow = try await store.flow(id: session.flowId) else { return nil }
        guard session.status == SessionStatus.active.rawValue, session.currentNodeId?.isEmpty == false,
            let contact = try await store.contact(id: session.contactId)
        else {
            // The run had ended before the process stopped: only the bookkeeping is left.
            return .finished(session: session, flow: flow, result: nil)
        }
        let result = await executor.continueRun(session: session, flow: flow, contact: contact)
        return .finished(session: session, flow: flow, result: result)
    }

    /// Records the routed session in the item's progress just before the executor starts; it
    /// commits with the run's first step, so a committed `run` stage means the run started.
    var markStart: @Sendable (SessionRecord) async throws(StoreError) -> Void {
        { [journal] session async throws(StoreError) in
            journal.update {
                $0.stage = .run
                $0.sessionId = session.id
                $0.baseline = nil
                $0.send = nil
                $0.sendRejected = false
                $0.deferral = nil
                $0.callNodeId = nil
                $0.resumeNode = nil
                $0.until = nil
            }
        }
    }

    /// Typing events around `body`, in their place among the rows' events: each goes out with the
    /// commit that follows it, so the dashboard sees the inbound row, typing, the replies, then the
    /// end of typing. A failed run ends typing at once.
    func withTyping(contact: ContactRecord, _ body: () async throws(StoreError) -> Step) async throws(StoreError) -> Step {
        journal.unit.stage(.event(.typingStart(contactId: contact.id, userId: contact.userId)))
        let step: Step
        do {
            step = try await body()
        } catch {
            context.events.publish(.typingStop(contactId: contact.id, userId: contact.userId))
            throw error
        }
        journal.unit.stage(.event(.typingStop(contactId: contact.id, userId: contact.userId)))
        return step
    }

    /// After a run: the Log snapshot (the older path's rules, docs/compatibility.md#logs), metrics,
    /// and what to do with the item. Everything is staged on the unit; the worker commits it with
    /// the item's outcome.
    func conclude(_ step: Step, item: InboxItem) async throws(StoreError) -> ItemDisposition {
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
                journal.update {
                    $0.stage = .wait
                    $0.sessionId = outcome.session.id
                    $0.resumeNode = node
                    $0.until = until
                    $0.send = nil
                }
                return .wait(until: until)
            }
        case .failure(let failure)?:
            if case .sendDeferred(let until, let reason) = failure.error {
                // Meta did not take a reply: the item waits and the run sends it again then;
                // the contact's later messages wait behind it (docs/serve.md#graph-outages).
                context.logger.notice(
                    "reply not accepted by Meta; sending it again at \(ISOTimestamp.string(until)): \(reason)",
                    metadata: ["item": "\(item.id)", "session": "\(routed.id)"])
                return .wait(until: until)
            }
            context.metrics.flowRun(.failed)
            if case .store(let error) = failure.error, error.kind == .unavailable {
                return .retry("flow run stopped: \(error)")  // the progress lets the retry continue
            }
            context.logger.warning(
                "flow run failed: \(failure.error)", metadata: ["item": "\(item.id)", "flow": "\(flow.id)", "session": "\(routed.id)"])
        case nil:
            break
        }
        try await SessionSnapshot(store: store, clock: context.clock).record(sessionId: routed.id, logId: SessionSnapshot.logId(item: item.id))
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
