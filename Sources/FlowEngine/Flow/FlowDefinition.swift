import OrderedCollections

/// A ReactFlow graph `{nodes, edges}` as the dashboard stores it, after lenient loading.
package struct FlowDefinition: Sendable, Equatable {
    package var nodes: [FlowNode]
    package var edges: [FlowEdge]

    package init(nodes: [FlowNode] = [], edges: [FlowEdge] = []) {
        self.nodes = nodes
        self.edges = edges
    }

    package static let empty = FlowDefinition()

    /// Node by id; with duplicated ids the last node wins, as in the reference executor.
    package func nodeIndex() -> [String: FlowNode] {
        var index: [String: FlowNode] = [:]
        for node in nodes { index[node.id] = node }
        return index
    }

    /// Outgoing edges per source node, in definition order.
    package func outgoingIndex() -> [String: [FlowEdge]] {
        var index: [String: [FlowEdge]] = [:]
        for edge in edges { index[edge.source, default: []].append(edge) }
        return index
    }

    /// The definition as JSON, the shape `sanitizeFlowDefinition` returns.
    package var jsonValue: JSONValue {
        .object(["nodes": .array(nodes.map(\.jsonValue)), "edges": .array(edges.map(\.jsonValue))])
    }
}

package struct FlowNode: Sendable, Equatable {
    package var id: String
    package var type: NodeType
    package var position: Position
    /// The raw `data` object; never validated at run time, so every field may be missing or mistyped.
    package var data: JSONObject
    /// Other keys of the node object (ReactFlow's `width`, `selected`, …), kept for round trips.
    package var extras: JSONObject

    package struct Position: Sendable, Equatable {
        package var x: Double
        package var y: Double
        package init(x: Double = 0, y: Double = 0) {
            self.x = x
            self.y = y
        }
    }

    package init(id: String, type: NodeType, position: Position = .init(), data: JSONObject = [:], extras: JSONObject = [:]) {
        self.id = id
        self.type = type
        self.position = position
        self.data = data
        self.extras = extras
    }

    /// Typed, leniently read view of ``data``.
    package var typedData: NodeData { NodeData(type: type, data: data) }

    package var jsonValue: JSONValue {
        var object = extras
        object["id"] = .string(id)
        object["type"] = .string(type.rawValue)
        object["data"] = .object(data)
        object["position"] = ["x": .number(position.x), "y": .number(position.y)]
        return .object(object)
    }
}

/// A handle on an edge end: absent, explicitly null, or named.
package enum EdgeHandle: Sendable, Equatable {
    case absent
    case null
    case named(String)

    package var name: String? { if case .named(let n) = self { n } else { nil } }

    var jsonValue: JSONValue? {
        switch self {
        case .absent: nil
        case .null: .null
        case .named(let n): .string(n)
        }
    }
}

package struct FlowEdge: Sendable, Equatable {
    package var id: String
    package var source: String
    package var target: String
    package var sourceHandle: EdgeHandle
    package var targetHandle: EdgeHandle
    package var extras: JSONObject

    package init(
        id: String, source: String, target: String, sourceHandle: EdgeHandle = .absent,
        targetHandle: EdgeHandle = .absent, extras: JSONObject = [:]
    ) {
        self.id = id
        self.source = source
        self.target = target
        self.sourceHandle = sourceHandle
        self.targetHandle = targetHandle
        self.extras = extras
    }

    package var jsonValue: JSONValue {
        var object = extras
        object["id"] = .string(id)
        object["source"] = .string(source)
        object["target"] = .string(target)
        object["sourceHandle"] = sourceHandle.jsonValue
        object["targetHandle"] = targetHandle.jsonValue
        return .object(object)
    }
}
