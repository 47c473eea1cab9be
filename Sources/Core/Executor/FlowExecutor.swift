import Foundation

/// Everything a run may touch, injected: the executor itself knows nothing of live or simulated.
public struct ExecutionEnvironment: Sendable {
    public var clock: any FlowClock
    public var ids: any IDGenerator
    public var sender: any FlowSender
    public var api: any APIClient
    public var store: any ExecutorStore
    public var options: ExecutorOptions

    public init(
        clock: any FlowClock, ids: any IDGenerator, sender: any FlowSender, api: any APIClient, store: any ExecutorStore,
        options: ExecutorOptions = .init()
    ) {
        self.clock = clock
        self.ids = ids
        self.sender = sender
        self.api = api
        self.store = store
        self.options = options
    }
}

/// The flow executor (reference §1, with SPEC §6's deliberate changes). One instance serves
/// every run; each `run` reads a session, reacts to one inbound message and persists as it goes.
public struct FlowExecutor: Sendable {
    public let environment: ExecutionEnvironment
    let cache = ExecutorCache()

    public init(environment: ExecutionEnvironment) {
        self.environment = environment
    }

    /// Runs `flow` for `session` on `inbound` (nil for runs without a message).
    /// - Throws: ``FlowRunError``; except for `invalidDefinition`, the session is Errored first.
    public func run(
        session: SessionRecord, flow: FlowRecord, contact: ContactRecord, inbound: InboundMessage?
    ) async throws(FlowRunError) -> FlowRunOutcome {
        let loaded: ExecutorCache.LoadedFlow
        do {
            loaded = try cache.load(flow)
        } catch {
            throw .invalidDefinition(error)
        }
        var run = FlowRun(environment: environment, cache: cache, session: session, flow: flow, contact: contact, loaded: loaded)
        return try await run.execute(inbound: inbound)
    }
}
