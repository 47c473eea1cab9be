/// The graph as the executor walks it (reference §1.5): which node can follow which.
public enum ExecutionGraph {
    /// Every node a node can lead to: all edge targets plus a goto's target.
    public static func allSuccessors(_ definition: FlowDefinition, byId: [String: FlowNode]) -> [String: [String]] {
        var successors: [String: [String]] = [:]
        for edge in definition.edges where byId[edge.target] != nil {
            successors[edge.source, default: []].append(edge.target)
        }
        for node in definition.nodes where node.type == .goto {
            if let target = node.data["targetNodeId"]?.stringValue, byId[target] != nil {
                successors[node.id, default: []].append(target)
            }
        }
        return successors
    }

    /// The nodes that can follow `node` within one run, without waiting for the contact.
    public static func runSuccessors(of node: FlowNode, outgoing: [FlowEdge], byId: [String: FlowNode]) -> [String] {
        switch node.type {
        case .options, .handoff, .end:
            return []
        case .condition:
            return ["true", "false"].compactMap { branch in outgoing.first { $0.sourceHandle.name == branch }?.target }
        case .goto:
            if let target = node.data["targetNodeId"]?.stringValue, !target.isEmpty { return [target] }
            return outgoing.first.map { [$0.target] } ?? []
        default:
            return outgoing.first.map { [$0.target] } ?? []
        }
    }

    /// Strongly connected sets of nodes that a single run can loop through forever (no options or
    /// handoff inside), found with an iterative Tarjan so large flows cannot overflow the stack.
    public static func cyclesWithoutWait(_ definition: FlowDefinition, byId: [String: FlowNode]) -> [[String]] {
        let outgoing = definition.outgoingIndex()
        let ids = definition.nodes.map(\.id).filter { byId[$0] != nil }
        var uniqueIds: [String] = []
        var seen: Set<String> = []
        for id in ids where seen.insert(id).inserted { uniqueIds.append(id) }
        var successors: [String: [String]] = [:]
        for id in uniqueIds {
            guard let node = byId[id] else { continue }
            successors[id] = runSuccessors(of: node, outgoing: outgoing[id] ?? [], byId: byId).filter { byId[$0] != nil }
        }

        var index = 0
        var indices: [String: Int] = [:]
        var lowlinks: [String: Int] = [:]
        var onStack: Set<String> = []
        var stack: [String] = []
        var components: [[String]] = []

        for start in uniqueIds where indices[start] == nil {
            // Each frame: node and the position of the next successor to visit.
            var frames: [(id: String, next: Int)] = [(start, 0)]
            indices[start] = index
            lowlinks[start] = index
            index += 1
            stack.append(start)
            onStack.insert(start)
            while var frame = frames.popLast() {
                let next = successors[frame.id] ?? []
                if frame.next < next.count {
                    let w = next[frame.next]
                    frame.next += 1
                    frames.append(frame)
                    if indices[w] == nil {
                        indices[w] = index
                        lowlinks[w] = index
                        index += 1
                        stack.append(w)
                        onStack.insert(w)
                        frames.append((w, 0))
                    } else if onStack.contains(w) {
                        lowlinks[frame.id] = min(lowlinks[frame.id] ?? 0, indices[w] ?? 0)
                    }
                    continue
                }
                // All successors done: propagate the lowlink and maybe pop a component.
                if let parent = frames.last {
                    lowlinks[parent.id] = min(lowlinks[parent.id] ?? 0, lowlinks[frame.id] ?? 0)
                }
                if lowlinks[frame.id] == indices[frame.id] {
                    var component: [String] = []
                    while let w = stack.popLast() {
                        onStack.remove(w)
                        component.append(w)
                        if w == frame.id { break }
                    }
                    let selfLoop = component.count == 1 && (successors[frame.id] ?? []).contains(frame.id)
                    if component.count > 1 || selfLoop { components.append(component) }
                }
            }
        }
        return components
    }
}
