/// Options that change what `validate-flow` checks.
package struct ValidationOptions: Sendable {
    /// Delays longer than this are shortened at run time (default 60 s; docs/differences.md#delays-are-resume-times).
    package var delayCapSeconds: Double = 60
    /// Rule ids to leave out of the report.
    package var ignoredRules: Set<String> = []

    package init(delayCapSeconds: Double = 60, ignoredRules: Set<String> = []) {
        self.delayCapSeconds = delayCapSeconds
        self.ignoredRules = ignoredRules
    }
}

/// Strict validation of a flow file: parses with positions, then runs every rule family.
package struct FlowValidator: Sendable {
    package var options: ValidationOptions

    package init(options: ValidationOptions = .init()) {
        self.options = options
    }

    package func validate(bytes: [UInt8]) -> [Finding] {
        let source = SourceText(bytes: bytes)
        let root: JSONNode
        do {
            root = try JSONParser().parse(bytes)
        } catch {
            let location = source.location(ofOffset: error.offset)
            return [
                Finding(
                    rule: ValidationRule.jsonSyntax.id, severity: .error, message: error.message, pointer: "",
                    line: location.line, column: location.column)
            ]
        }
        var sink = FindingSink(source: source, root: root, ignored: options.ignoredRules)
        let loaded = FlowLoader.load(root.jsonValue)
        for issue in loaded.issues {
            sink.add(.flowShape, issue.message, at: issue.pointer, node: nodeId(in: root, for: issue.pointer))
        }
        guard loaded.issues.count != 1 || !loaded.issues[0].pointer.tokens.isEmpty else {
            return sink.sorted()  // the top level itself is unusable
        }
        let graph = FlowGraph(
            definition: loaded.definition, nodeSourceIndices: loaded.nodeSourceIndices, edgeSourceIndices: loaded.edgeSourceIndices,
            sourceNodes: root["nodes"]?.elements ?? [])
        NodeSchemaCheck(root: root, options: options).run(graph: graph, into: &sink)
        GraphCheck().run(graph: graph, into: &sink)
        WhatsAppCheck().run(graph: graph, into: &sink)
        ExpressionCheck(root: root).run(graph: graph, into: &sink)
        return sink.sorted()
    }

    private func nodeId(in root: JSONNode, for pointer: JSONPointer) -> String? {
        guard pointer.tokens.count >= 2, pointer.tokens[0] == "nodes" else { return nil }
        return root.resolve(JSONPointer(Array(pointer.tokens.prefix(2))))?["id"]?.string
    }
}

/// The loaded graph with the source position of each node and edge.
struct FlowGraph {
    let definition: FlowDefinition
    let nodeSourceIndices: [Int]
    let edgeSourceIndices: [Int]

    let execution: ExecutionGraph
    /// The positioned `nodes` array of the file.
    let sourceNodes: [JSONNode]

    init(definition: FlowDefinition, nodeSourceIndices: [Int], edgeSourceIndices: [Int], sourceNodes: [JSONNode]) {
        self.definition = definition
        self.nodeSourceIndices = nodeSourceIndices
        self.edgeSourceIndices = edgeSourceIndices
        self.sourceNodes = sourceNodes
        self.execution = ExecutionGraph(definition)
    }

    /// The positioned `data` of loaded node `i`.
    func sourceData(_ i: Int) -> JSONNode? { sourceNodes[nodeSourceIndices[i]]["data"] }

    var nodes: [FlowNode] { definition.nodes }
    var edges: [FlowEdge] { definition.edges }

    func nodePointer(_ i: Int) -> JSONPointer { JSONPointer.root / "nodes" / nodeSourceIndices[i] }
    func edgePointer(_ i: Int) -> JSONPointer { JSONPointer.root / "edges" / edgeSourceIndices[i] }
}

/// Collects findings, turning pointers into line:column through the positioned tree.
struct FindingSink {
    let source: SourceText
    let root: JSONNode
    let ignored: Set<String>
    private(set) var findings: [Finding] = []

    init(source: SourceText, root: JSONNode, ignored: Set<String>) {
        self.source = source
        self.root = root
        self.ignored = ignored
    }

    /// Adds a finding at `pointer`; when it names something absent, the nearest existing
    /// ancestor gives the position. `extraColumns` points inside a string value.
    mutating func add(
        _ rule: ValidationRule, _ message: @autoclosure () -> String, at pointerBuilder: @autoclosure () -> JSONPointer,
        node: String? = nil, hint: String? = nil, severity: Severity? = nil, offsetInString: Int? = nil
    ) {
        guard !ignored.contains(rule.id) else { return }
        let pointer = pointerBuilder()
        let message = message()
        var tokens = pointer.tokens
        var target = root.resolve(pointer)
        while target == nil, !tokens.isEmpty {
            tokens.removeLast()
            target = root.resolve(JSONPointer(tokens))
        }
        var offset = target?.offset ?? 0
        if let offsetInString, let target, target.string != nil { offset = target.offset + 1 + offsetInString }
        let location = source.location(ofOffset: offset)
        findings.append(
            Finding(
                rule: rule.id, severity: severity ?? rule.severity, message: message, pointer: pointer.description,
                line: location.line, column: location.column, nodeId: node, hint: hint))
    }

    func sorted() -> [Finding] {
        findings.enumerated().sorted { a, b in
            (a.element.line, a.element.column, a.offset) < (b.element.line, b.element.column, b.offset)
        }.map(\.element)
    }

    /// The raw source bytes of a string value (between its quotes), to map columns inside it.
    func rawStringContent(at pointer: JSONPointer) -> [UInt8]? {
        guard let node = root.resolve(pointer), node.string != nil else { return nil }
        let bytes = source.bytes
        var i = node.offset + 1
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\\") {
                i += 2
                continue
            }
            if bytes[i] == UInt8(ascii: "\"") { break }
            i += 1
        }
        return Array(bytes[(node.offset + 1)..<min(i, bytes.count)])
    }
}
