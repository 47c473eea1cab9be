/// The graph as the executor walks it (docs/compatibility.md#the-graph-as-a-run-walks-it), indexed by node position: which node
/// can follow which. With duplicated ids the last node wins, as at run time.
package struct ExecutionGraph: Sendable {
    package let definition: FlowDefinition
    /// Effective node index per id (the last node with that id).
    package let indexById: [String: Int]
    /// Per node index, the indices of its outgoing edges in definition order.
    package let outgoing: [[Int]]

    package init(_ definition: FlowDefinition) {
        self.definition = definition
        var indexById: [String: Int] = [:]
        indexById.reserveCapacity(definition.nodes.count)
        for (i, node) in definition.nodes.enumerated() { indexById[node.id] = i }
        var outgoing = Array(repeating: [Int](), count: definition.nodes.count)
        for (e, edge) in definition.edges.enumerated() {
            if let source = indexById[edge.source] { outgoing[source].append(e) }
        }
        self.indexById = indexById
        self.outgoing = outgoing
    }

    /// Whether node `i` is the one its id resolves to.
    package func isEffective(_ i: Int) -> Bool { indexById[definition.nodes[i].id] == i }

    /// Every node `i` can lead to: all edge targets plus a goto's target.
    package func allSuccessors(of i: Int) -> [Int] {
        var result = outgoing[i].compactMap { indexById[definition.edges[$0].target] }
        let node = definition.nodes[i]
        if node.type == .goto, let target = node.data["targetNodeId"]?.stringValue, let t = indexById[target] {
            result.append(t)
        }
        return result
    }

    /// The nodes that can follow node `i` within one run, without waiting for the contact.
    package func runSuccessors(of i: Int) -> [Int] {
        let node = definition.nodes[i]
        let edges = outgoing[i].map { definition.edges[$0] }
        let targets: [String]
        switch node.type {
        case .options, .handoff, .end:
            targets = []
        case .condition:
            targets = ["true", "false"].compactMap { branch in edges.first { $0.sourceHandle.name == branch }?.target }
        case .goto:
            if let target = node.data["targetNodeId"]?.stringValue, !target.isEmpty {
                targets = [target]
            } else {
                targets = edges.first.map { [$0.target] } ?? []
            }
        default:
            targets = edges.first.map { [$0.target] } ?? []
        }
        return targets.compactMap { indexById[$0] }
    }

    /// Node indices reachable from any trigger.
    package func reachableFromTriggers() -> [Bool] {
        var reached = Array(repeating: false, count: definition.nodes.count)
        var stack = definition.nodes.indices.filter { definition.nodes[$0].type == .trigger }
        while let i = stack.popLast() {
            guard !reached[i] else { continue }
            reached[i] = true
            stack.append(contentsOf: allSuccessors(of: i))
        }
        return reached
    }

    /// Strongly connected sets of nodes that one run can loop through forever (no options or
    /// handoff inside), found with an iterative Tarjan so large flows cannot overflow the stack.
    package func cyclesWithoutWait() -> [[Int]] {
        let count = definition.nodes.count
        let successors = (0..<count).map { isEffective($0) ? runSuccessors(of: $0) : [] }
        var index = 0
        var indices = Array(repeating: -1, count: count)
        var lowlinks = Array(repeating: 0, count: count)
        var onStack = Array(repeating: false, count: count)
        var stack: [Int] = []
        var components: [[Int]] = []

        for start in 0..<count where indices[start] < 0 && isEffective(start) {
            var frames: [(node: Int, next: Int)] = [(start, 0)]
            indices[start] = index
            lowlinks[start] = index
            index += 1
            stack.append(start)
            onStack[start] = true
            while var frame = frames.popLast() {
                let next = successors[frame.node]
                if frame.next < next.count {
                    let w = next[frame.next]
                    frame.next += 1
                    frames.append(frame)
                    if indices[w] < 0 {
                        indices[w] = index
                        lowlinks[w] = index
                        index += 1
                        stack.append(w)
                        onStack[w] = true
                        frames.append((w, 0))
                    } else if onStack[w] {
                        lowlinks[frame.node] = min(lowlinks[frame.node], indices[w])
                    }
                    continue
                }
                if let parent = frames.last {
                    lowlinks[parent.node] = min(lowlinks[parent.node], lowlinks[frame.node])
                }
                if lowlinks[frame.node] == indices[frame.node] {
                    var component: [Int] = []
                    while let w = stack.popLast() {
                        onStack[w] = false
                        component.append(w)
                        if w == frame.node { break }
                    }
                    if component.count > 1 || successors[frame.node].contains(frame.node) {
                        components.append(component.sorted())
                    }
                }
            }
        }
        return components
    }
}
