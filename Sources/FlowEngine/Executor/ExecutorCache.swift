import Synchronization

/// Parsed flow definitions and condition expressions, reused across runs: loading a definition
/// and parsing an expression cost far more than executing them. Bounded; cleared when full.
final class ExecutorCache: Sendable {
    struct LoadedFlow: Sendable {
        let source: JSONValue?
        let definition: FlowDefinition
        let graph: ExecutionGraph
    }

    private let flows = Mutex<[String: LoadedFlow]>([:])
    private let expressions = Mutex<[String: Expression]>([:])
    private let limit: Int

    init(limit: Int = 512) {
        self.limit = limit
    }

    /// The loaded definition of `flow`, reusing the last one while the stored JSON is unchanged.
    func load(_ flow: FlowRecord) throws(FlowSanitizationError) -> LoadedFlow {
        if let cached = flows.withLock({ $0[flow.id] }), cached.source == flow.definition {
            return cached
        }
        let definition = try FlowDefinition.sanitize(flow.definition)
        let loaded = LoadedFlow(source: flow.definition, definition: definition, graph: ExecutionGraph(definition))
        flows.withLock { cache in
            if cache.count >= limit { cache.removeAll(keepingCapacity: true) }
            cache[flow.id] = loaded
        }
        return loaded
    }

    func expression(_ source: String) throws(ExpressionError) -> Expression {
        if let cached = expressions.withLock({ $0[source] }) { return cached }
        let parsed = try Expression.parse(source)
        expressions.withLock { cache in
            if cache.count >= limit * 8 { cache.removeAll(keepingCapacity: true) }
            cache[source] = parsed
        }
        return parsed
    }
}
