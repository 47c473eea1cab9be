/// The dashboard's per-type zod schemas (docs/compatibility.md#node-data), checked on the positioned tree.
/// Limits that WhatsApp rules report with their own ids are left to ``WhatsAppCheck``.
struct NodeSchemaCheck {
    let root: JSONNode
    let options: ValidationOptions

    static let methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
    static let mediaTypes = ["image", "document", "video", "audio"]

    func run(graph: FlowGraph, into sink: inout FindingSink) {
        for (i, node) in graph.nodes.enumerated() {
            let pointer = graph.nodePointer(i)
            let dataPointer = pointer / "data"
            let dataNode = graph.sourceData(i)
            if let dataNode, dataNode.members == nil {
                sink.add(
                    .nodeData, "data: " + ZodMessage.invalidType(expected: "object", got: dataNode.jsonValue), at: dataPointer,
                    node: node.id)
                continue
            }
            var fields = Fields(data: dataNode, pointer: dataPointer, nodeId: node.id)
            fields.string("name", min: 1, max: 60, into: &sink)
            check(node: node, fields: &fields, sink: &sink)
        }
    }

    private func check(node: FlowNode, fields f: inout Fields, sink: inout FindingSink) {
        switch node.type {
        case .trigger:
            f.string("keyword", required: true, min: 1, max: 64, into: &sink)
        case .message:
            f.string("text", max: 4096, into: &sink)
            f.bool("useTemplate", into: &sink)
            f.string("templateName", max: 512, into: &sink)
            f.string("templateLanguage", max: 24, into: &sink)
            if let parameters = f.array("templateParameters", into: &sink) {
                for (k, parameter) in parameters.enumerated() {
                    var p = f.nested(parameter, at: f.pointer / "templateParameters" / k, label: "templateParameters.\(k)")
                    guard p.requireObject(into: &sink) else { continue }
                    p.string("component", required: true, min: 1, into: &sink)
                    p.literal("type", "text", into: &sink)
                    p.string("value", max: 1024, into: &sink)
                    p.string("subType", max: 60, into: &sink)
                    p.number("index", min: 0, integer: true, into: &sink)
                }
            }
            // Text is required unless a template is used (templates are WhatsAppCheck's).
            if f.value("useTemplate")?.bool != true, (f.value("text")?.string ?? "").trimmingJSWhitespace().isEmpty,
                f.value("text")?.string != nil || f.value("text") == nil
            {
                sink.add(.nodeData, "Message text is required", at: f.pointer / "text", node: f.nodeId)
            }
        case .options:
            f.string("text", max: 4096, into: &sink)
            if let items = f.array("options", required: true, into: &sink) {
                if items.count < 2 {
                    sink.add(.nodeData, "options: " + ZodMessage.tooSmallArray(minimum: 2), at: f.pointer / "options", node: f.nodeId)
                }
                for (k, item) in items.enumerated() {
                    let o = f.nested(item, at: f.pointer / "options" / k, label: "options.\(k)")
                    o.selfString(min: 1, max: 30, into: &sink)
                }
            }
            f.string("listButton", min: 1, max: 20, into: &sink)
        case .whatsappFlow:
            f.string("header", into: &sink)
            f.string("body", required: true, min: 1, into: &sink)
            f.string("footer", into: &sink)
            f.string("cta", into: &sink)
        case .delay:
            f.number("seconds", min: 1, max: 3600, into: &sink)
            if let seconds = node.data["seconds"].map(JSCoercion.toNumber), seconds > options.delayCapSeconds {
                sink.add(
                    .delayCapped,
                    "delay of \(jsNumberString(seconds)) s is capped at \(jsNumberString(options.delayCapSeconds)) s at run time",
                    at: f.pointer / "seconds", node: f.nodeId, hint: "raise the cap with `fcb serve --max-delay` or split the wait")
            }
        case .condition:
            f.string("expression", required: true, min: 1, max: 500, into: &sink)
        case .api:
            f.string("url", required: true, url: true, into: &sink)
            f.enumeration("method", Self.methods, into: &sink)
            if let headers = f.object("headers", into: &sink) {
                for member in headers {
                    let h = f.nested(member.value, at: f.pointer / "headers" / member.key, label: "headers.\(member.key)")
                    h.selfString(into: &sink)
                }
            }
            f.string("body", into: &sink)
            f.string("assignTo", into: &sink)
        case .assign:
            f.string("key", required: true, min: 1, max: 50, into: &sink)
            f.string("value", required: true, max: 500, into: &sink)
        case .media:
            f.enumeration("mediaType", Self.mediaTypes, into: &sink)
            f.string("url", url: true, into: &sink)
            f.string("id", min: 1, into: &sink)
            f.string("caption", max: 1024, into: &sink)
        case .handoff:
            f.string("queue", required: true, min: 1, into: &sink)
            f.string("note", max: 500, into: &sink)
        case .end:
            f.string("reason", into: &sink)
        case .goto:
            // Emptiness is reported as goto-target; only the type is a schema matter here.
            if let target = f.value("targetNodeId"), target.string == nil {
                sink.add(
                    .nodeData, "targetNodeId: " + ZodMessage.invalidType(expected: "string", got: target.jsonValue),
                    at: f.pointer / "targetNodeId", node: f.nodeId)
            }
        }
    }
}

/// Field-level checks worded like zod, each reported at the field's pointer.
struct Fields {
    let data: JSONNode?
    let pointer: JSONPointer
    let nodeId: String
    var label: String = ""

    init(data: JSONNode?, pointer: JSONPointer, nodeId: String, label: String = "") {
        self.data = data
        self.pointer = pointer
        self.nodeId = nodeId
        self.label = label
    }

    func value(_ key: String) -> JSONNode? { data?[key] }

    func nested(_ node: JSONNode, at pointer: JSONPointer, label: String) -> Fields {
        Fields(data: node, pointer: pointer, nodeId: nodeId, label: label)
    }

    private func report(_ key: String?, _ message: String, into sink: inout FindingSink) {
        let name = [label, key ?? ""].filter { !$0.isEmpty }.joined(separator: ".")
        let at = key.map { pointer / $0 } ?? pointer
        sink.add(.nodeData, name.isEmpty ? message : "\(name): \(message)", at: at, node: nodeId)
    }

    mutating func requireObject(into sink: inout FindingSink) -> Bool {
        guard let data, data.members == nil else { return true }
        report(nil, ZodMessage.invalidType(expected: "object", got: data.jsonValue), into: &sink)
        return false
    }

    @discardableResult
    func string(
        _ key: String, required: Bool = false, min: Int? = nil, max: Int? = nil, url: Bool = false,
        into sink: inout FindingSink
    ) -> String? {
        guard let node = value(key) else {
            if required { report(key, ZodMessage.invalidType(expected: "string", got: nil), into: &sink) }
            return nil
        }
        return checkString(node, key: key, min: min, max: max, url: url, into: &sink)
    }

    /// Checks the value this `Fields` points at (array items, record values).
    func selfString(min: Int? = nil, max: Int? = nil, into sink: inout FindingSink) {
        guard let data else { return }
        _ = checkString(data, key: nil, min: min, max: max, url: false, into: &sink)
    }

    private func checkString(_ node: JSONNode, key: String?, min: Int?, max: Int?, url: Bool, into sink: inout FindingSink) -> String? {
        guard let text = node.string else {
            report(key, ZodMessage.invalidType(expected: "string", got: node.jsonValue), into: &sink)
            return nil
        }
        let length = TextNormalization.jsLength(text)
        if let min, length < min { report(key, ZodMessage.tooSmallString(minimum: min), into: &sink) }
        if let max, length > max { report(key, ZodMessage.tooBigString(maximum: max) + " (has \(length))", into: &sink) }
        if url, !URLCheck.isValidTemplatedURL(text) { report(key, "Invalid URL", into: &sink) }
        return text
    }

    func bool(_ key: String, into sink: inout FindingSink) {
        guard let node = value(key), node.bool == nil else { return }
        report(key, ZodMessage.invalidType(expected: "boolean", got: node.jsonValue), into: &sink)
    }

    func literal(_ key: String, _ expected: String, into sink: inout FindingSink) {
        guard let node = value(key), node.string != expected else { return }
        report(key, "Invalid input: expected \"\(expected)\"", into: &sink)
    }

    func number(_ key: String, min: Double? = nil, max: Double? = nil, integer: Bool = false, into sink: inout FindingSink) {
        guard let node = value(key) else { return }
        guard let n = node.number else {
            report(key, ZodMessage.invalidType(expected: "number", got: node.jsonValue), into: &sink)
            return
        }
        if integer, n.rounded() != n { report(key, "Invalid input: expected int, received number", into: &sink) }
        if let min, n < min { report(key, ZodMessage.tooSmallNumber(minimum: min), into: &sink) }
        if let max, n > max { report(key, ZodMessage.tooBigNumber(maximum: max), into: &sink) }
    }

    func enumeration(_ key: String, _ allowed: [String], into sink: inout FindingSink) {
        guard let node = value(key) else { return }
        if let s = node.string, allowed.contains(s) { return }
        let message = node.string == nil ? ZodMessage.invalidType(expected: "string", got: node.jsonValue) : ZodMessage.invalidOption(allowed)
        report(key, message, into: &sink)
    }

    func array(_ key: String, required: Bool = false, into sink: inout FindingSink) -> [JSONNode]? {
        guard let node = value(key) else {
            if required { report(key, ZodMessage.invalidType(expected: "array", got: nil), into: &sink) }
            return nil
        }
        guard let items = node.elements else {
            report(key, ZodMessage.invalidType(expected: "array", got: node.jsonValue), into: &sink)
            return nil
        }
        return items
    }

    func object(_ key: String, into sink: inout FindingSink) -> [JSONNode.Member]? {
        guard let node = value(key) else { return nil }
        guard let members = node.members else {
            report(key, ZodMessage.invalidType(expected: "record", got: node.jsonValue), into: &sink)
            return nil
        }
        return members
    }
}
