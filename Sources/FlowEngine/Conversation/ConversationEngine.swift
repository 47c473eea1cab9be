import FCBSupport
import Foundation

/// Routes one inbound message of a contact to a session and runs the executor on it
/// (docs/compatibility.md#routing-a-message-to-a-session, with the changes in
/// docs/differences.md#processing-pipeline). Shared by `fcb serve` and `fcb simulate`.
package struct ConversationEngine: Sendable {
    package let store: any FlowStore
    package let executor: FlowExecutor
    /// Sessions idle longer than this are completed with `endReason: "timeout"` before matching.
    package var sessionTimeout: TimeInterval

    package init(store: any FlowStore, executor: FlowExecutor, sessionTimeout: TimeInterval = 24 * 3600) {
        self.store = store
        self.executor = executor
        self.sessionTimeout = sessionTimeout
    }

    package enum Outcome: Sendable, Equatable {
        /// The tenant has no active WhatsApp flow.
        case noFlow
        case ran(flow: FlowRecord, outcome: FlowRunOutcome)
        /// The run stopped with an error (session Errored, except for an unloadable definition);
        /// `failure` holds what it did before.
        case failed(flow: FlowRecord, failure: FlowRunFailure)
    }

    private var clock: any FlowClock { executor.environment.clock }
    private var ids: any IDGenerator { executor.environment.ids }

    /// Routes and runs one message. `initialContext` seeds a session that is created or restarted
    /// for this message (`fcb simulate --context`, the manual trigger's `variables`).
    /// - Throws: only ``FlowRunError/store(_:)`` when routing cannot read or write the store; a
    ///   failed run is the ``Outcome/failed(flow:failure:)`` outcome.
    /// `willRun` sees the routed session just before the executor starts (the pipeline records
    /// it, so a run interrupted by a crash can be told apart from one that never started).
    package func handle(
        userId: String, contact: ContactRecord, inbound: InboundMessage, initialContext: JSONObject? = nil,
        using executor: FlowExecutor? = nil, willRun: (@Sendable (SessionRecord) async throws(StoreError) -> Void)? = nil
    ) async throws(FlowRunError) -> Outcome {
        do {
            return try await route(
                userId: userId, contact: contact, inbound: inbound, initialContext: initialContext, executor: executor ?? self.executor,
                willRun: willRun)
        } catch let error as FlowRunError {
            throw error
        } catch let error as StoreError {
            throw .store(error)
        } catch {
            throw .store(StoreError(.unavailable, "\(error)"))
        }
    }

    private func route(
        userId: String, contact: ContactRecord, inbound: InboundMessage, initialContext: JSONObject?, executor: FlowExecutor,
        willRun: (@Sendable (SessionRecord) async throws(StoreError) -> Void)?
    ) async throws -> Outcome {
        var session: SessionRecord?
        var flow: FlowRecord?
        if let open = try await store.openSession(contactId: contact.id) {
            let openFlow = try await store.flow(id: open.flowId)
            if let openFlow, openFlow.isWhatsAppChannel, openFlow.isActive {
                if clock.now().timeIntervalSince(open.updatedAt) > sessionTimeout {
                    try await expire(open)
                } else {
                    session = open
                    flow = openFlow
                }
            }
        }
        if flow == nil {
            let flows = try await store.activeFlows(userId: userId).filter(\.isWhatsAppChannel)
            flow = FlowSelector.best(flows, text: inbound.text, interactiveTitle: inbound.interactive?.title, interactiveId: inbound.interactive?.id)
        }
        guard let flow else { return .noFlow }
        let prepared = try await prepareSession(
            flow: flow, contact: contact, initialContext: initialContext, current: session?.flowId == flow.id ? session : nil)
        return try await run(prepared, flow: flow, contact: contact, inbound: inbound, executor: executor, willRun: willRun)
    }

    /// The session `flow` runs in for `contact`: the given `current` one or the stored one, made
    /// Active with `initialContext` when it had finished, created with it when there is none. With
    /// `mergeIntoOpen`, `initialContext` is also merged into a session still open (the manual
    /// trigger's `variables`, docs/compatibility.md#manual-trigger).
    package func prepareSession(
        flow: FlowRecord, contact: ContactRecord, initialContext: JSONObject?, current: SessionRecord? = nil, mergeIntoOpen: Bool = false
    ) async throws(StoreError) -> SessionRecord {
        let now = clock.now()
        let known: SessionRecord?
        if let current { known = current } else { known = try await store.session(contactId: contact.id, flowId: flow.id) }
        guard var existing = known else {
            let created = SessionRecord(
                id: ids.next(), context: initialContext.map(JSONValue.object), createdAt: now, updatedAt: now, contactId: contact.id, flowId: flow.id)
            try await store.createSession(created)
            return created
        }
        if existing.status == SessionStatus.completed.rawValue || existing.status == SessionStatus.errored.rawValue {
            let fresh = JSONValue.object(initialContext ?? [:])
            try await store.updateSession(id: existing.id, SessionPatch(status: .active, currentNodeId: .some(nil), context: fresh), at: now)
            existing.status = SessionStatus.active.rawValue
            existing.currentNodeId = nil
            existing.context = fresh
            existing.updatedAt = now
        } else if mergeIntoOpen, let initialContext {
            var merged = existing.context?.objectValue ?? [:]
            for (key, value) in initialContext { merged[key] = value }
            existing.context = .object(merged)
            try await store.updateSession(id: existing.id, SessionPatch(context: existing.context), at: now)
        }
        if mergeIntoOpen { existing.updatedAt = now }  // the trigger's run starts now either way
        return existing
    }

    /// Runs a named flow for `contact` (the manual trigger): its session prepared with
    /// `variables` merged in, then the executor — routing is skipped.
    package func start(
        flow: FlowRecord, contact: ContactRecord, inbound: InboundMessage, variables: JSONObject?,
        willRun: (@Sendable (SessionRecord) async throws(StoreError) -> Void)? = nil
    ) async throws(StoreError) -> (session: SessionRecord, result: Result<FlowRunOutcome, FlowRunFailure>) {
        let session = try await prepareSession(flow: flow, contact: contact, initialContext: variables, mergeIntoOpen: true)
        if let willRun { try await willRun(session) }
        return (session, await executor.execute(session: session, flow: flow, contact: contact, inbound: inbound))
    }

    private func run(
        _ session: SessionRecord, flow: FlowRecord, contact: ContactRecord, inbound: InboundMessage, executor: FlowExecutor,
        willRun: (@Sendable (SessionRecord) async throws(StoreError) -> Void)?
    ) async throws -> Outcome {
        if let willRun { try await willRun(session) }
        switch await executor.execute(session: session, flow: flow, contact: contact, inbound: inbound) {
        case .success(let outcome): return .ran(flow: flow, outcome: outcome)
        case .failure(let failure): return .failed(flow: flow, failure: failure)
        }
    }

    /// Completes an idle session with `endReason: "timeout"`.
    private func expire(_ session: SessionRecord) async throws {
        var context = session.context?.objectValue ?? [:]
        context["endReason"] = "timeout"
        let patch = SessionPatch(status: .completed, currentNodeId: .some(nil), context: .object(context))
        try await store.updateSession(id: session.id, patch, at: clock.now())
    }
}
