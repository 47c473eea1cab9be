/// One reason a definition cannot be loaded, located by JSON pointer.
package struct FlowLoadIssue: Sendable, Equatable, CustomStringConvertible {
    package let pointer: JSONPointer
    package let message: String

    package var description: String { pointer.tokens.isEmpty ? message : "\(pointer): \(message)" }
}

/// Thrown when a stored definition cannot be executed (the reference's FlowSanitizationError and ZodError).
package struct FlowSanitizationError: Error, Sendable, Equatable, CustomStringConvertible {
    package let issues: [FlowLoadIssue]

    package var description: String {
        if issues.count == 1, let only = issues.first { return "Invalid flow definition: \(only)" }
        return "Invalid flow definition (\(issues.count) problems): " + issues.map(\.description).joined(separator: "; ")
    }
}

/// Lenient loading, exactly `sanitizeFlowDefinition` (docs/compatibility.md#flow-json): what the executor runs.
/// The loader also returns a best-effort definition without the offending nodes and edges, which
/// the validator uses to keep checking the rest of the graph.
package struct FlowLoadResult: Sendable {
    package var definition: FlowDefinition
    package var issues: [FlowLoadIssue]
    /// For each loaded node, its index in the source `nodes` array.
    package var nodeSourceIndices: [Int]
    /// For each loaded edge, its index in the source `edges` array.
    package var edgeSourceIndices: [Int]
}

extension FlowDefinition {
    /// Loads a definition as the executor must: a JSON string (blank means empty), or an already-parsed value.
    package static func sanitize(_ input: JSONValue?) throws(FlowSanitizationError) -> FlowDefinition {
        let result = FlowLoader.load(input)
        guard result.issues.isEmpty else { throw FlowSanitizationError(issues: result.issues) }
        return result.definition
    }

    /// Loads a definition from JSON text (the `Flow.definition` column or a file).
    package static func sanitize(jsonText: String) throws(FlowSanitizationError) -> FlowDefinition {
        try sanitize(.string(jsonText))
    }
}

package enum FlowLoader {
    package static func load(_ input: JSONValue?) -> FlowLoadResult {
        var issues: [FlowLoadIssue] = []
        var root: JSONValue
        switch input {
        case .none, .null?:
            root = .object([:])
        case .string(let text)?:
            let trimmed = text.trimmingJSWhitespace()
            if trimmed.isEmpty {
                root = .object([:])
            } else if let parsed = try? JSONValue(parsing: trimmed) {
                root = parsed
            } else {
                return FlowLoadResult(
                    definition: .empty,
                    issues: [FlowLoadIssue(pointer: .root, message: "Flow definition string must be valid JSON.")],
                    nodeSourceIndices: [], edgeSourceIndices: [])
            }
        case let value?:
            root = value
        }

        guard case .object(let top) = root else {
            return FlowLoadResult(
                definition: .empty,
                issues: [FlowLoadIssue(pointer: .root, message: ZodMessage.invalidType(expected: "object", got: root))],
                nodeSourceIndices: [], edgeSourceIndices: [])
        }

        var definition = FlowDefinition()
        var nodeIndices: [Int] = []
        var edgeIndices: [Int] = []
        let nodesPointer = JSONPointer.root / "nodes"
        let edgesPointer = JSONPointer.root / "edges"

        switch top["nodes"] {
        case .none: break
        case .array(let items)?:
            for (i, item) in items.enumerated() {
                if let node = loadNode(item, at: nodesPointer / i, issues: &issues) {
                    definition.nodes.append(node)
                    nodeIndices.append(i)
                }
            }
        case let other?:
            issues.append(FlowLoadIssue(pointer: nodesPointer, message: ZodMessage.invalidType(expected: "array", got: other)))
        }

        switch top["edges"] {
        case .none: break
        case .array(let items)?:
            for (i, item) in items.enumerated() {
                if let edge = loadEdge(item, at: edgesPointer / i, issues: &issues) {
                    definition.edges.append(edge)
                    edgeIndices.append(i)
                }
            }
        case let other?:
            issues.append(FlowLoadIssue(pointer: edgesPointer, message: ZodMessage.invalidType(expected: "array", got: other)))
        }

        return FlowLoadResult(definition: definition, issues: issues, nodeSourceIndices: nodeIndices, edgeSourceIndices: edgeIndices)
    }

    private static func loadNode(_ value: JSONValue, at pointer: @autoclosure () -> JSONPointer, issues: inout [FlowLoadIssue]) -> FlowNode? {
        guard case .object(var object) = value else {
            issues.append(FlowLoadIssue(pointer: pointer(), message: ZodMessage.invalidType(expected: "object", got: value)))
            return nil
        }
        let before = issues.count
        let id = requiredString(object["id"], at: pointer() / "id", issues: &issues)
        var type: NodeType?
        switch object["type"] {
        case .string(let raw)? where NodeType(rawValue: raw) != nil:
            type = NodeType(rawValue: raw)
        case let other:
            let message =
                if case .string? = other {
                    ZodMessage.invalidOption(NodeType.allCases.map(\.rawValue))
                } else {
                    ZodMessage.invalidType(expected: "string", got: other)
                }
            issues.append(FlowLoadIssue(pointer: pointer() / "type", message: message))
        }
        var position = FlowNode.Position()
        switch object["position"] {
        case .none: break
        case .object(let p)?:
            position = FlowNode.Position(x: coordinate(p["x"]), y: coordinate(p["y"]))
        case let other?:
            issues.append(FlowLoadIssue(pointer: pointer() / "position", message: ZodMessage.invalidType(expected: "object", got: other)))
        }
        guard issues.count == before, let id, let type else { return nil }
        let data = object["data"]?.objectValue ?? [:]
        for key in ["id", "type", "position", "data"] { object.removeValue(forKey: key) }
        return FlowNode(id: id, type: type, position: position, data: data, extras: object)
    }

    private static func loadEdge(_ value: JSONValue, at pointer: @autoclosure () -> JSONPointer, issues: inout [FlowLoadIssue]) -> FlowEdge? {
        guard case .object(var object) = value else {
            issues.append(FlowLoadIssue(pointer: pointer(), message: ZodMessage.invalidType(expected: "object", got: value)))
            return nil
        }
        let before = issues.count
        let id = requiredString(object["id"], at: pointer() / "id", issues: &issues)
        let source = requiredString(object["source"], at: pointer() / "source", issues: &issues)
        let target = requiredString(object["target"], at: pointer() / "target", issues: &issues)
        let sourceHandle = handle(object["sourceHandle"], at: pointer() / "sourceHandle", issues: &issues)
        let targetHandle = handle(object["targetHandle"], at: pointer() / "targetHandle", issues: &issues)
        guard issues.count == before, let id, let source, let target else { return nil }
        for key in ["id", "source", "target", "sourceHandle", "targetHandle"] { object.removeValue(forKey: key) }
        return FlowEdge(id: id, source: source, target: target, sourceHandle: sourceHandle, targetHandle: targetHandle, extras: object)
    }

    private static func requiredString(_ value: JSONValue?, at pointer: @autoclosure () -> JSONPointer, issues: inout [FlowLoadIssue]) -> String? {
        switch value {
        case .string(let s)? where !s.isEmpty:
            return s
        case .string?:
            issues.append(FlowLoadIssue(pointer: pointer(), message: ZodMessage.tooSmallString(minimum: 1)))
        case let other:
            issues.append(FlowLoadIssue(pointer: pointer(), message: ZodMessage.invalidType(expected: "string", got: other)))
        }
        return nil
    }

    private static func handle(_ value: JSONValue?, at pointer: @autoclosure () -> JSONPointer, issues: inout [FlowLoadIssue]) -> EdgeHandle {
        switch value {
        case .none: return .absent
        case .null?: return .null
        case .string(let s)?: return .named(s)
        case let other?:
            issues.append(FlowLoadIssue(pointer: pointer(), message: ZodMessage.invalidType(expected: "string | null", got: other)))
            return .absent
        }
    }

    /// `z.coerce.number().finite().catch(0)`: JavaScript `Number(value)`, 0 when not finite.
    private static func coordinate(_ value: JSONValue?) -> Double {
        guard let value else { return 0 }
        let number = JSCoercion.toNumber(value)
        return number.isFinite ? number : 0
    }
}
