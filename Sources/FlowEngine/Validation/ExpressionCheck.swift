/// Conditions must parse in fcb's expression language; `{{…}}` placeholders must be resolvable.
struct ExpressionCheck {
    let root: JSONNode

    /// The data fields the executor interpolates with `tpl`, per node type.
    static let templatedFields: [NodeType: [String]] = [
        .message: ["text"],
        .options: ["text"],
        .media: ["id", "url", "caption"],
        .api: ["url", "body"],
        .assign: ["value"],
        .whatsappFlow: ["header", "body", "footer", "cta"],
        .handoff: ["note"],
    ]

    func run(graph: FlowGraph, into sink: inout FindingSink) {
        let assignedKeys = Set(graph.nodes.filter { $0.type == .assign }.compactMap { $0.data["key"]?.stringValue })
        for (i, node) in graph.nodes.enumerated() {
            func data() -> JSONPointer { graph.nodePointer(i) / "data" }
            if node.type == .condition, let source = node.data["expression"]?.stringValue {
                checkCondition(source, at: data() / "expression", node: node.id, into: &sink)
            }
            for field in Self.templatedFields[node.type] ?? [] {
                if let text = node.data[field]?.stringValue {
                    checkPlaceholders(text, at: data() / field, node: node.id, assigned: assignedKeys, into: &sink)
                }
            }
            if node.type == .api, let headers = node.data["headers"]?.objectValue {
                for (name, value) in headers {
                    if let text = value.stringValue {
                        checkPlaceholders(text, at: data() / "headers" / name, node: node.id, assigned: assignedKeys, into: &sink)
                    }
                }
            }
            if node.type == .message, let parameters = node.data["templateParameters"]?.arrayValue {
                for (k, parameter) in parameters.enumerated() {
                    if let text = parameter["value"]?.stringValue {
                        checkPlaceholders(
                            text, at: data() / "templateParameters" / k / "value", node: node.id, assigned: assignedKeys, into: &sink)
                    }
                }
            }
        }
    }

    private func checkCondition(_ source: String, at pointer: JSONPointer, node: String, into sink: inout FindingSink) {
        guard !source.isEmpty else { return }  // node-data reports the empty expression
        do {
            _ = try Expression.parse(source)
        } catch {
            let rule: ValidationRule =
                switch error.kind {
                case .unknownFunction, .unknownIdentifier: .unknownFunction
                default: .expressionSyntax
                }
            let at = error.column.map { "column \($0): " } ?? ""
            sink.add(
                rule, "\(at)\(error.message); the condition would always be false", at: pointer, node: node,
                offsetInString: error.column.flatMap { byteOffset(ofColumn: $0, in: source, raw: sink.rawStringContent(at: pointer)) })
        }
    }

    /// Where character `column` of the expression sits in the file, when the JSON string has no
    /// escapes (otherwise the string's start is used).
    private func byteOffset(ofColumn column: Int, in source: String, raw: [UInt8]?) -> Int? {
        guard let raw, !raw.contains(UInt8(ascii: "\\")), column >= 1 else { return nil }
        return source.prefix(column - 1).utf8.count
    }

    private func checkPlaceholders(_ text: String, at pointer: JSONPointer, node: String, assigned: Set<String>, into sink: inout FindingSink) {
        for placeholder in Placeholder.scan(text) {
            if placeholder.isRecognised && !placeholder.key.contains("[") { continue }
            let literal = String(text[placeholder.range])
            let offset = text[..<placeholder.range.lowerBound].utf8.count
            let raw = sink.rawStringContent(at: pointer)
            let inString = (raw?.contains(UInt8(ascii: "\\")) ?? true) ? nil : offset
            if !placeholder.isRecognised {
                sink.add(
                    .unresolvablePlaceholder,
                    "\(literal) is sent literally: placeholder keys may only contain letters, digits, '_', '.', '[' and ']'",
                    at: pointer, node: node, hint: "rename the variable, e.g. {{\(suggestedKey(placeholder.key))}}", offsetInString: inString)
            } else if placeholder.key.contains("["), !assigned.contains(placeholder.key) {
                let dotted = placeholder.key.replacingBrackets()
                sink.add(
                    .unresolvablePlaceholder,
                    "\(literal) never resolves: brackets are not indexes in placeholders (the key '\(placeholder.key)' is looked up literally)",
                    at: pointer, node: node, hint: "write {{\(dotted)}}", offsetInString: inString)
            }
        }
    }

    private func suggestedKey(_ key: String) -> String {
        let mapped = key.map { Placeholder.isKeyCharacter($0) ? $0 : "_" }
        let result = String(mapped)
        return result.isEmpty ? "name" : result
    }
}

extension String {
    /// `items[0].name` → `items.0.name`, the form `tpl` resolves.
    fileprivate func replacingBrackets() -> String {
        var out = ""
        for c in self {
            switch c {
            case "[": out.append(".")
            case "]": continue
            default: out.append(c)
            }
        }
        return out
    }
}
