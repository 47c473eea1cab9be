/// Graph rules: entry points, ids, edges and handles, reachability, goto targets and loops.
struct GraphCheck {
    func run(graph: FlowGraph, into sink: inout FindingSink) {
        let nodes = graph.nodes
        var firstIndexById: [String: Int] = [:]
        for (i, node) in nodes.enumerated() {
            if let first = firstIndexById[node.id] {
                sink.add(
                    .duplicateNodeId, "node id '\(node.id)' is also used by \(graph.nodePointer(first)); at run time the last one wins",
                    at: graph.nodePointer(i) / "id", node: node.id)
            } else {
                firstIndexById[node.id] = i
            }
        }
        let exec = graph.execution

        checkTriggers(graph, into: &sink)
        checkEdges(graph, exec: exec, into: &sink)
        checkExits(graph, exec: exec, into: &sink)
        checkGotos(graph, exec: exec, into: &sink)
        checkReachability(graph, exec: exec, into: &sink)
        checkLoops(graph, exec: exec, into: &sink)
    }

    private func checkTriggers(_ graph: FlowGraph, into sink: inout FindingSink) {
        var seen: [(key: String, index: Int)] = []
        var anyTrigger = false
        for (i, node) in graph.nodes.enumerated() where node.type == .trigger {
            guard let key = TextNormalization.triggerKey(node.data["keyword"]?.stringValue) else { continue }
            anyTrigger = true
            func pointer() -> JSONPointer { graph.nodePointer(i) / "data" / "keyword" }
            if let earlier = seen.first(where: { $0.key == key }) {
                sink.add(
                    .duplicateTriggerKeyword,
                    "trigger keyword '\(key)' is already used by node '\(graph.nodes[earlier.index].id)'; this trigger never starts the flow",
                    at: pointer(), node: node.id)
            } else if key != "default",
                let earlier = seen.first(where: { $0.key != "default" && $0.key.utf8.count < key.utf8.count && TextNormalization.contains(key, $0.key) })
            {
                sink.add(
                    .triggerShadowed,
                    "every message containing '\(key)' also contains the earlier keyword '\(earlier.key)' (node '\(graph.nodes[earlier.index].id)'), which wins",
                    at: pointer(), node: node.id, hint: "move this trigger before node '\(graph.nodes[earlier.index].id)'")
            }
            seen.append((key, i))
        }
        if !anyTrigger {
            sink.add(
                .noTrigger, "the flow has no trigger node with a keyword, so no message can start it", at: .root / "nodes",
                hint: "add a trigger node; the keyword 'default' matches any message")
        }
    }

    private func checkEdges(_ graph: FlowGraph, exec: ExecutionGraph, into sink: inout FindingSink) {
        // Ids of nodes present in the file that could not be loaded (reported as flow-shape).
        let sourceNodes = sink.root["nodes"]?.elements ?? []
        func describe(_ id: String) -> String {
            let present = sourceNodes.contains { $0["id"]?.string == id }
            return present ? "node '\(id)', which cannot be loaded (see flow-shape)" : "unknown node '\(id)'"
        }
        var firstEdgeIndex: [String: Int] = [:]
        var seenOutgoing: Set<String> = []
        for (i, edge) in graph.edges.enumerated() {
            func pointer() -> JSONPointer { graph.edgePointer(i) }
            if let first = firstEdgeIndex[edge.id] {
                sink.add(.duplicateEdgeId, "edge id '\(edge.id)' is also used by \(graph.edgePointer(first))", at: pointer() / "id")
            } else {
                firstEdgeIndex[edge.id] = i
            }
            if exec.indexById[edge.source] == nil {
                sink.add(.danglingEdge, "edge '\(edge.id)' starts at \(describe(edge.source))", at: pointer() / "source")
            }
            if exec.indexById[edge.target] == nil {
                sink.add(.danglingEdge, "edge '\(edge.id)' leads to \(describe(edge.target))", at: pointer() / "target", node: edge.source)
            }
            guard let sourceIndex = exec.indexById[edge.source] else { continue }
            let source = graph.nodes[sourceIndex]
            let handle = edge.sourceHandle.name
            switch source.type {
            case .options:
                let count = source.data["options"]?.arrayValue?.count ?? 0
                if !OptionHandles.isValid(handle, optionCount: count) {
                    sink.add(
                        .unknownHandle,
                        "options node '\(source.id)' has no handle '\(handle ?? "null")' (it has opt-0…opt-\(max(count - 1, 0)) and no-match); this edge is never taken",
                        at: pointer() / "sourceHandle", node: source.id)
                }
            case .condition:
                if handle != "true" && handle != "false" {
                    sink.add(
                        .unknownHandle,
                        "condition node '\(source.id)' has only the handles 'true' and 'false', not '\(handle ?? "null")'; this edge is never taken",
                        at: pointer() / "sourceHandle", node: source.id)
                }
            default:
                if let handle {
                    sink.add(
                        .unknownHandle, "\(source.type.rawValue) node '\(source.id)' has one unnamed handle; the handle '\(handle)' is ignored",
                        at: pointer() / "sourceHandle", node: source.id, severity: .warning)
                }
                // Only the first outgoing edge of a linear node is ever followed.
                if source.type != .end, source.type != .handoff, seenOutgoing.contains(source.id) {
                    sink.add(
                        .extraEdge,
                        "\(source.type.rawValue) node '\(source.id)' already has an outgoing edge; only the first is followed, so '\(edge.id)' is ignored",
                        at: pointer(), node: source.id)
                }
            }
            seenOutgoing.insert(source.id)
        }
    }

    private func checkExits(_ graph: FlowGraph, exec: ExecutionGraph, into sink: inout FindingSink) {
        for (i, node) in graph.nodes.enumerated() where exec.isEffective(i) {
            let edges = exec.outgoing[i].map { graph.edges[$0] }
            let handles = Set(edges.compactMap(\.sourceHandle.name))
            func pointer() -> JSONPointer { graph.nodePointer(i) }
            switch node.type {
            case .options:
                let count = node.data["options"]?.arrayValue?.count ?? 0
                for k in 0..<min(count, 10) where !handles.contains("opt-\(k)") {
                    let title = node.data["options"]?.arrayValue?[k].stringValue.map { " ('\($0)')" } ?? ""
                    sink.add(
                        .missingOptionEdge, "option \(k + 1)\(title) of '\(node.id)' has no outgoing edge (handle opt-\(k)); choosing it falls to no-match",
                        at: pointer() / "data" / "options" / k, node: node.id)
                }
                if !handles.contains("no-match") {
                    sink.add(
                        .missingOptionEdge, "options node '\(node.id)' has no 'no-match' edge; unrecognised replies re-send the options",
                        at: pointer(), node: node.id)
                }
            case .condition:
                for branch in ["true", "false"] where !handles.contains(branch) {
                    sink.add(
                        .missingConditionBranch, "condition '\(node.id)' has no '\(branch)' edge; when it is \(branch) the session completes here",
                        at: pointer(), node: node.id)
                }
            case .end, .handoff:
                break
            case .goto:
                let target = node.data["targetNodeId"]?.stringValue ?? ""
                if target.isEmpty && edges.isEmpty {
                    sink.add(.deadEnd, "goto '\(node.id)' has no target and no outgoing edge", at: pointer(), node: node.id)
                }
            default:
                if edges.isEmpty {
                    sink.add(
                        .deadEnd, "\(node.type.rawValue) node '\(node.id)' has no outgoing edge; the session completes here without an end node",
                        at: pointer(), node: node.id, hint: "connect it to an end node to make the ending explicit")
                }
            }
        }
    }

    private func checkGotos(_ graph: FlowGraph, exec: ExecutionGraph, into sink: inout FindingSink) {
        for (i, node) in graph.nodes.enumerated() where node.type == .goto {
            func pointer() -> JSONPointer { graph.nodePointer(i) / "data" / "targetNodeId" }
            guard let target = node.data["targetNodeId"]?.stringValue, !target.isEmpty else {
                if node.data["targetNodeId"].map({ $0.stringValue != nil }) ?? true {
                    sink.add(.gotoTarget, "goto '\(node.id)' has an empty target", at: pointer(), node: node.id)
                }
                continue
            }
            if target == node.id {
                sink.add(.gotoTarget, "goto '\(node.id)' targets itself", at: pointer(), node: node.id)
            } else if exec.indexById[target] == nil {
                sink.add(.gotoTarget, "goto '\(node.id)' targets unknown node '\(target)'; the session would end Errored", at: pointer(), node: node.id)
            }
        }
    }

    private func checkReachability(_ graph: FlowGraph, exec: ExecutionGraph, into sink: inout FindingSink) {
        let reached = exec.reachableFromTriggers()
        for (i, node) in graph.nodes.enumerated() where !reached[i] && node.type != .trigger && exec.isEffective(i) {
            sink.add(.unreachableNode, "\(node.type.rawValue) node '\(node.id)' cannot be reached from any trigger", at: graph.nodePointer(i), node: node.id)
        }
    }

    private func checkLoops(_ graph: FlowGraph, exec: ExecutionGraph, into sink: inout FindingSink) {
        for cycle in exec.cyclesWithoutWait() {
            guard let first = cycle.first else { continue }
            let ids = cycle.prefix(8).map { "'\(graph.nodes[$0].id)'" }
            let shown = ids.joined(separator: " → ") + (cycle.count > 8 ? " …" : "")
            sink.add(
                .loopWithoutWait,
                "nodes \(shown) form a loop with no options or handoff node; a run can only end in the loop guard (session Errored)",
                at: graph.nodePointer(first), node: graph.nodes[first].id, hint: "put an options or handoff node in the loop, or break it")
        }
    }
}

/// Which `sourceHandle` values an options node has.
enum OptionHandles {
    static func isValid(_ handle: String?, optionCount: Int) -> Bool {
        guard let handle else { return false }
        if handle == "no-match" { return true }
        guard handle.hasPrefix("opt-"), let k = Int(handle.dropFirst(4)), String(k) == handle.dropFirst(4) else { return false }
        return k >= 0 && k < optionCount
    }
}
