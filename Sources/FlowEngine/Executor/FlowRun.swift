import Foundation

/// One invocation of the executor: the reference's `executeFlow` body.
struct FlowRun {
    let env: ExecutionEnvironment
    let cache: ExecutorCache
    var session: SessionRecord
    let flow: FlowRecord
    let contact: ContactRecord
    let definition: FlowDefinition
    let graph: ExecutionGraph
    var book: ContextBook
    var events: [FlowRunEvent] = []
    var steps = 0
    /// Whether the context has been written at least once (so the outcome carries it).
    var contextPersisted = false
    /// Session writes held back between side effects (see `persist(deferred:)`).
    var pending: PendingSessionWrite?

    init(
        environment: ExecutionEnvironment, cache: ExecutorCache, session: SessionRecord, flow: FlowRecord, contact: ContactRecord,
        loaded: ExecutorCache.LoadedFlow
    ) {
        self.env = environment
        self.cache = cache
        self.session = session
        self.flow = flow
        self.contact = contact
        self.definition = loaded.definition
        self.graph = loaded.graph
        // A null or non-object context is treated as {}.
        self.book = ContextBook(context: session.context?.objectValue ?? [:], historyLimit: environment.options.historyLimit)
    }

    var context: JSONObject {
        get { book.context }
        set { book.context = newValue }
    }

    func node(_ id: String) -> FlowNode? { graph.indexById[id].map { definition.nodes[$0] } }

    /// The first outgoing edge of `node`, in definition order.
    func firstEdge(of node: FlowNode) -> FlowEdge? {
        guard let i = graph.indexById[node.id], let e = graph.outgoing[i].first else { return nil }
        return definition.edges[e]
    }

    /// The first outgoing edge of `node` leaving `handle`.
    func edge(from node: FlowNode, handle: String) -> FlowEdge? {
        guard let i = graph.indexById[node.id] else { return nil }
        for e in graph.outgoing[i] where definition.edges[e].sourceHandle.name == handle { return definition.edges[e] }
        return nil
    }

    // MARK: Persistence

    /// Writes the session. A `deferred` write is held back and merged into the next one: the
    /// run writes before every node with an outside effect (`flushSession`) and at every stop,
    /// so a run resumed after a crash restarts at most at the last node with an effect, whose
    /// sends the journal skips; pure nodes in between (assign, condition, goto) are simply
    /// evaluated again. A 5-node flow costs 3 session writes instead of 10.
    mutating func persist(
        status: SessionStatus? = nil, currentNodeId: String?? = nil, writeContext: Bool = true, deferred: Bool = false
    ) async throws(FlowRunError) {
        var write = pending ?? PendingSessionWrite()
        if let status { write.status = status }
        if let currentNodeId { write.currentNodeId = currentNodeId }
        write.context = write.context || writeContext
        if let status { session.status = status.rawValue }
        if let currentNodeId { session.currentNodeId = currentNodeId }
        pending = write
        if !deferred { try await flushSession() }
    }

    /// Writes the held-back session state, if any.
    mutating func flushSession() async throws(FlowRunError) {
        guard let write = pending else { return }
        // The context as it is now: later than (and containing) what each held write saw.
        let patch = SessionPatch(status: write.status, currentNodeId: write.currentNodeId, context: write.context ? .object(context) : nil)
        let now = env.clock.now()
        do {
            try await env.store.updateSession(id: session.id, patch, at: now)
        } catch {
            throw .store(error)
        }
        pending = nil
        // `session.context` is filled in by `outcome`: keeping a second reference here would make
        // every later context write copy the whole context.
        contextPersisted = write.context ? true : contextPersisted
        session.updatedAt = now
    }

    func outcome(_ result: FlowRunResult) -> FlowRunOutcome {
        var final = session
        if contextPersisted { final.context = .object(context) }
        return FlowRunOutcome(result: result, session: final, events: events, steps: steps)
    }

    /// Marks the session Errored (best effort) and returns the error to throw. A database that
    /// is unavailable is not the flow's fault: the session stays where it is, so the pipeline's
    /// retry continues the run instead of finding it Errored.
    mutating func fail(_ error: FlowRunError) async -> FlowRunError {
        events.append(.stopped(reason: error.description))
        if case .store(let storeError) = error, storeError.kind == .unavailable { return error }
        if case .sendDeferred = error { return error }
        try? await persist(status: .errored)
        return error
    }

    mutating func stop(_ reason: String) async throws(FlowRunError) -> FlowRunOutcome {
        events.append(.stopped(reason: reason))
        try await persist(status: .errored)
        return outcome(.errored(reason: reason))
    }

    // MARK: The run

    mutating func execute(inbound message: InboundMessage?) async throws(FlowRunError) -> FlowRunOutcome {
        var inbound = InboundPayload(message)
        var current: FlowNode?
        let wasPaused = session.status == SessionStatus.paused.rawValue

        if let pausedId = session.currentNodeId, !pausedId.isEmpty, wasPaused {
            // A. Paused resume.
            guard let paused = node(pausedId) else {
                return try await stop("paused node '\(pausedId)' is not in the flow")
            }
            if paused.type == .options {
                let options = paused.data["options"]?.arrayValue?.map(JSCoercion.toString) ?? []
                let presentation = OptionsPresentation(options: options)
                let index = presentation.match(interactiveId: inbound.interactiveId, text: message?.text)
                inbound.type = "option-selection"
                inbound.matchedOption = .some(index.map { options[$0] })
                inbound.optionIndex = index
                events.append(.resumed(nodeId: paused.id, matchedOption: index))
                let nextId = index.map { edge(from: paused, handle: "opt-\($0)")?.target } ?? edge(from: paused, handle: "no-match")?.target
                if let nextId {
                    guard let next = node(nextId) else {
                        return try await stop("next node '\(nextId)' not found (resume)")
                    }
                    current = next
                    // Status and next node in one write: a run continued after a crash at this
                    // point goes on from the chosen branch instead of asking the question again.
                    try await persist(status: .active, currentNodeId: .some(next.id))
                } else {
                    // No option and no no-match edge → ask again instead of getting stuck
                    // (docs/differences.md#no-matching-option-the-options-are-sent-again).
                    book.recordInbound(inbound, at: env.clock.now())
                    events.append(.optionsRepeated(nodeId: paused.id))
                    do {
                        try await sendOptions(paused)
                    } catch {
                        throw await fail(error)
                    }
                    try await persist(status: .paused)
                    return outcome(.paused(nodeId: paused.id))
                }
            } else {
                current = paused
            }
        } else {
            // B. Trigger matching.
            guard let (trigger, keyword) = matchTrigger(message?.text) else {
                return outcome(.noTrigger)
            }
            current = trigger
            context["triggerMessage"] = message?.text.map(JSONValue.string)
            events.append(.triggerMatched(nodeId: trigger.id, keyword: keyword))
        }

        // C. Record the inbound.
        if wasPaused || current != nil {
            book.recordInbound(inbound, at: env.clock.now())
        }

        return try await loop(from: current)
    }

    /// Continues at the session's current node (a durable delay's resume, or a run the process
    /// stopped part-way through).
    mutating func continueAtCurrentNode() async throws(FlowRunError) -> FlowRunOutcome {
        guard let id = session.currentNodeId, !id.isEmpty else {
            return outcome(.completed)
        }
        guard let start = node(id) else {
            return try await stop("Next node \(id) not found")
        }
        return try await loop(from: start)
    }

    /// The old executor's trigger matching (docs/compatibility.md#where-a-run-starts, B): normalised
    /// keyword equal to or contained in the normalised message; the first `default` trigger otherwise.
    func matchTrigger(_ text: String?) -> (FlowNode, String)? {
        let input = TextNormalization.triggerKey(text)
        var fallback: (FlowNode, String)?
        for node in definition.nodes where node.type == .trigger {
            guard let keyword = TextNormalization.triggerKey(node.data["keyword"]?.stringValue) else { continue }
            if keyword == "default" {
                if fallback == nil { fallback = (node, keyword) }
                continue
            }
            if let input, input == keyword || TextNormalization.contains(input, keyword) {
                return (node, keyword)
            }
        }
        return fallback
    }

    mutating func loop(from start: FlowNode?) async throws(FlowRunError) -> FlowRunOutcome {
        var current = start
        var recent: [String] = []
        while let node = current {
            if steps > env.options.maxSteps {
                return try await stop("Guard limit reached - possible infinite loop")
            }
            steps += 1
            // Tight-loop guard: the same node 3+ times in the last 10 visits.
            recent.append(node.id)
            if recent.count > 10 {
                recent.removeFirst()
                if recent.filter({ $0 == node.id }).count >= 3 {
                    return try await stop("Tight loop detected at node \(node.id)")
                }
            }
            try await persist(currentNodeId: .some(node.id), deferred: true)
            events.append(.node(id: node.id, type: node.type))
            if !node.type.isPure { try await flushSession() }

            let step: NodeStep
            do {
                step = try await execute(node)
            } catch {
                throw await fail(error)
            }
            var nextId: String?
            switch step {
            case .pause:
                try await persist(status: .paused)
                return outcome(.paused(nodeId: node.id))
            case .end:
                try await persist(status: .completed, currentNodeId: .some(nil))
                return outcome(.completed)
            case .wait(let milliseconds):
                // Suspend: the next node becomes current, the caller resumes there later.
                guard let nextId = firstEdge(of: node)?.target, !nextId.isEmpty else {
                    try await persist(status: .completed, currentNodeId: .some(nil))
                    return outcome(.completed)
                }
                guard self.node(nextId) != nil else {
                    return try await stop("Next node \(nextId) not found")
                }
                let until = env.clock.now().addingTimeInterval(Double(milliseconds) / 1000)
                // The journal learns the resume point first: a crash before the session write
                // still waits and then continues at `nextId`.
                if let journal = env.journal {
                    do {
                        try await journal.willSuspend(continuingAt: nextId, until: until)
                    } catch {
                        throw await fail(.store(error))
                    }
                }
                try await persist(currentNodeId: .some(nextId))
                return outcome(.waiting(nodeId: nextId, until: until))
            case .next(let id):
                nextId = id
            case .missing(let id):
                return try await stop("Next node \(id) not found")
            }
            if (nextId ?? "").isEmpty && node.type != .condition {
                nextId = firstEdge(of: node)?.target
            }
            guard let nextId, !nextId.isEmpty else {
                try await persist(status: .completed, currentNodeId: .some(nil))
                return outcome(.completed)
            }
            guard let next = self.node(nextId) else {
                return try await stop("Next node \(nextId) not found")
            }
            try await persist(deferred: true)
            current = next
        }
        // No start node (options resume without a target is handled before the loop).
        try await persist(status: .completed, currentNodeId: .some(nil))
        return outcome(.completed)
    }
}

/// What a node asks the loop to do next.
enum NodeStep {
    /// Follow this node id, or the first edge when nil (never for conditions).
    case next(String?)
    /// Wait for the contact (options, handoff).
    case pause
    /// End the session (end node).
    case end
    /// A target that cannot name a node (a goto whose target is not a string).
    case missing(String)
    /// A delay in suspend mode: end the run here and resume at the next node later.
    case wait(milliseconds: Int)
}

/// Session fields written by held-back `persist` calls, merged (later calls win).
struct PendingSessionWrite {
    var status: SessionStatus?
    var currentNodeId: String??
    var context = false
}
