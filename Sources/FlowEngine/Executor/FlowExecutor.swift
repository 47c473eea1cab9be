import FCBSupport
import Foundation

/// Everything a run may touch, injected: the executor itself knows nothing of live or simulated.
package struct ExecutionEnvironment: Sendable {
    package var clock: any FlowClock
    package var ids: any IDGenerator
    package var sender: any FlowSender
    package var api: any APIClient
    package var store: any ExecutorStore
    package var options: ExecutorOptions
    /// Where sends are recorded before they leave, so a resumed run never repeats one.
    package var journal: (any SendJournal)?

    package init(
        clock: any FlowClock, ids: any IDGenerator, sender: any FlowSender, api: any APIClient, store: any ExecutorStore,
        options: ExecutorOptions = .init(), journal: (any SendJournal)? = nil
    ) {
        self.clock = clock
        self.ids = ids
        self.sender = sender
        self.api = api
        self.store = store
        self.options = options
        self.journal = journal
    }

    /// The same environment with another store and journal (one per pipeline work item).
    package func with(store: any ExecutorStore, journal: (any SendJournal)?) -> ExecutionEnvironment {
        var copy = self
        copy.store = store
        copy.journal = journal
        return copy
    }
}

/// The flow executor (docs/compatibility.md#running-a-flow, with the deliberate changes in
/// docs/differences.md#executor). One instance serves every run; each `run` reads a session,
/// reacts to one inbound message and persists as it goes.
package struct FlowExecutor: Sendable {
    package let environment: ExecutionEnvironment
    let cache: ExecutorCache

    package init(environment: ExecutionEnvironment) {
        self.environment = environment
        cache = ExecutorCache()
    }

    private init(environment: ExecutionEnvironment, cache: ExecutorCache) {
        self.environment = environment
        self.cache = cache
    }

    /// This executor writing through `store` and `journal` (one pipeline item), sharing its
    /// cache of parsed flows and expressions.
    package func with(store: any ExecutorStore, journal: (any SendJournal)?) -> FlowExecutor {
        FlowExecutor(environment: environment.with(store: store, journal: journal), cache: cache)
    }

    /// Runs `flow` for `session` on `inbound` (nil for runs without a message).
    /// - Throws: ``FlowRunError``; except for `invalidDefinition`, the session is Errored first.
    package func run(
        session: SessionRecord, flow: FlowRecord, contact: ContactRecord, inbound: InboundMessage?
    ) async throws(FlowRunError) -> FlowRunOutcome {
        switch await execute(session: session, flow: flow, contact: contact, inbound: inbound) {
        case .success(let outcome): return outcome
        case .failure(let failure): throw failure.error
        }
    }

    /// Like ``run(session:flow:contact:inbound:)``, but a failed run also reports what happened
    /// before it failed (messages sent, API calls, …) and the session as it was left.
    package func execute(
        session: SessionRecord, flow: FlowRecord, contact: ContactRecord, inbound: InboundMessage?
    ) async -> Result<FlowRunOutcome, FlowRunFailure> {
        await perform(session: session, flow: flow, contact: contact) { run throws(FlowRunError) in try await run.execute(inbound: inbound) }
    }

    /// Continues a run that stopped part-way at `session.currentNodeId`: after a durable delay, or
    /// after the process stopped mid-run. The node is executed again (its send, if it had one,
    /// is checked against the journal first); no trigger matching, no inbound is recorded.
    package func continueRun(session: SessionRecord, flow: FlowRecord, contact: ContactRecord) async -> Result<FlowRunOutcome, FlowRunFailure> {
        await perform(session: session, flow: flow, contact: contact) { run throws(FlowRunError) in try await run.continueAtCurrentNode() }
    }

    /// Loads the flow, runs `body` on a fresh ``FlowRun``, and reports a failure with what the run did before it.
    private func perform(
        session: SessionRecord, flow: FlowRecord, contact: ContactRecord,
        _ body: (inout FlowRun) async throws(FlowRunError) -> FlowRunOutcome
    ) async -> Result<FlowRunOutcome, FlowRunFailure> {
        let loaded: ExecutorCache.LoadedFlow
        do {
            loaded = try cache.load(flow)
        } catch {
            return .failure(FlowRunFailure(error: .invalidDefinition(error), events: [], session: session, steps: 0))
        }
        var run = FlowRun(environment: environment, cache: cache, session: session, flow: flow, contact: contact, loaded: loaded)
        do {
            return .success(try await body(&run))
        } catch {
            let partial = run.outcome(.errored(reason: error.description))
            return .failure(FlowRunFailure(error: error, events: partial.events, session: partial.session, steps: partial.steps))
        }
    }
}

/// A run that stopped with an error, with everything it did before.
package struct FlowRunFailure: Error, Sendable, Equatable {
    package let error: FlowRunError
    /// Events up to the failure (the last one is `.stopped`).
    package let events: [FlowRunEvent]
    /// The session as persisted (Errored, except for `invalidDefinition`, which writes nothing).
    package let session: SessionRecord
    package let steps: Int
}
