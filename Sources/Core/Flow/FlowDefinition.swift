import OrderedCollections

/// A ReactFlow graph `{nodes, edges}` as the dashboard stores it, after lenient loading.
public struct FlowDefinition: Sendable, Equatable {
    public var nodes: [FlowNode]
    public var edges: [FlowEdge]

    public init(nodes: [FlowNode] = [], edges: [FlowEdge] = []) {
        self.nodes = nodes
        self.edges = edges
    }

    public static let empty = FlowDefinition()

    /// Node by id; with duplicated ids the last node wins, as in the reference executor.
    public func nodeIndex() -> [String: FlowNode] {
        var index: [String: FlowNode] = [:]
        for node in nodes { index[node.id] = node }
        return index
    }

    /// Outgoing edges per source node, in definition order.
    public func outgoingIndex() -> [String: [FlowEdge]] {
        var index: [String: [FlowEdge]] = [:]
        for edge in edges { index[edge.source, default: []].append(edge) }
        return index
    }

    /// The definition as JSON, the shape `sanitizeFlowDefinition` returns.
    public var jsonValue: JSONValue {
        .object(["nodes": .array(nodes.map(\.jsonValue)), "edges": .array(edges.map(\.jsonValue))])
    }
}

public struct FlowNode: Sendable, Equatable {
    public var id: String
    public var type: NodeType
    public var position: Position
    /// The raw `data` object; never validated at run time, so every field may be missing or mistyped.
    public var data: JSONObject
    /// Other keys of the node object (ReactFlow's `width`, `selected`, …), kept for round trips.
    public var extras: JSONObject

    public struct Position: Sendable, Equatable {
        public var x: Double
        public var y: Double
        public init(x: Double = 0, y: Double = 0) {
            self.x = x
            self.y = y
        }
    }

    public init(id: String, type: NodeType, position: Position = .init(), data: JSONObject = [:], extras: JSONObject = [:]) {
        self.id = id
        self.type = type
        self.position = position
        self.data = data
        self.extras = extras
    }

    /// Typed, leniently read view of ``data``.
    public var typedData: NodeData { NodeData(type: type, data: data) }

    public var jsonValue: JSONValue {
        var object = extras
        object["id"] = .string(id)
        object["type"] = .string(type.rawValue)
        object["data"] = .object(data)
        object["position"] = ["x": .number(position.x), "y": .number(position.y)]
        return .object(object)
    }
}

/// A handle on an edge end: absent, explicitly null, or named.
public enum EdgeHandle: Sendable, Equatable {
    case absent
    case null
    case named(String)

    public var name: String? { if case .named(let n) = self { n } else { nil } }

    var jsonValue: JSONValue? {
        switch self {
        case .absent: nil
        case .null: .null
        case .named(let n): .string(n)
        }
    }
}

public struct FlowEdge: Sendable, Equatable {
    public var id: String
    public var source: String
    public var target: String
    public var sourceHandle: EdgeHandle
    public var targetHandle: EdgeHandle
    public var extras: JSONObject

    public init(
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

    public var jsonValue: JSONValue {
        var object = extras
        object["id"] = .string(id)
        object["source"] = .string(source)
        object["target"] = .string(target)
        object["sourceHandle"] = sourceHandle.jsonValue
        object["targetHandle"] = targetHandle.jsonValue
        return .object(object)
    }
}
