/// Template message components built from a node's `templateParameters`
/// (docs/compatibility.md#template-components): grouped by `type::subType::index` in first-seen order.
enum TemplateComponents {
    struct Built {
        let component: OutboundMessage.TemplateComponent
        /// As stored in Message.payload and the history: keys `type, parameters, subType?, index?`.
        let json: JSONValue
    }

    static func build(
        _ parameters: [JSONValue], node: FlowNode, tpl: (JSONValue?) throws(FlowRunError) -> String
    ) throws(FlowRunError) -> [Built] {
        var order: [String] = []
        var groups: [String: (type: String, subType: String, index: Double?, texts: [String])] = [:]
        for parameter in parameters {
            let fields = try object(parameter, node: node)
            let type = try optionalString(fields["component"], node: node, field: "component").trimmingJSWhitespace().jsLowercased()
            let componentType = type.isEmpty ? "body" : type
            let subType = try optionalString(fields["subType"], node: node, field: "subType").trimmingJSWhitespace()
            let index = fields["index"]?.numberValue.flatMap { $0.isFinite ? $0 : nil }
            let key = "\(componentType)::\(subType.jsLowercased())::\(index.map(jsNumberString) ?? "")"
            let text = try tpl(fields["value"] ?? .string(""))
            if groups[key] == nil {
                order.append(key)
                groups[key] = (componentType, subType.jsLowercased(), index, [])
            }
            groups[key]?.texts.append(text)
        }
        return order.compactMap { key in
            guard let group = groups[key] else { return nil }
            var json: JSONObject = [
                "type": .string(group.type),
                "parameters": .array(group.texts.map { ["type": "text", "text": .string($0)] }),
            ]
            if !group.subType.isEmpty { json["subType"] = .string(group.subType) }
            if let index = group.index { json["index"] = .number(index) }
            let component = OutboundMessage.TemplateComponent(
                type: group.type, subType: group.subType.isEmpty ? nil : group.subType, index: group.index, parameters: group.texts)
            return Built(component: component, json: .object(json))
        }
    }

    /// The history's `parameters` list: `{component, subType, index, value, raw}` per parameter.
    static func historyParameters(
        _ parameters: [JSONValue], tpl: (JSONValue?) throws(FlowRunError) -> String
    ) throws(FlowRunError) -> [JSONValue] {
        try parameters.map { parameter throws(FlowRunError) -> JSONValue in
            let fields = parameter.objectValue ?? [:]
            let component = fields["component"]?.stringValue.map { $0.trimmingJSWhitespace() }.flatMap { $0.isEmpty ? nil : $0.uppercased() } ?? "BODY"
            let subType = fields["subType"]?.stringValue.map { $0.trimmingJSWhitespace() }.flatMap { $0.isEmpty ? nil : $0.uppercased() }
            let index = fields["index"]?.numberValue.flatMap { $0.isFinite ? $0 : nil }
            let raw = fields["value"].flatMap { $0.isNull ? nil : $0 } ?? .string("")
            return [
                "component": .string(component), "subType": subType.map(JSONValue.string) ?? .null,
                "index": index.map(JSONValue.number) ?? .null, "value": .string(try tpl(raw)), "raw": raw,
            ]
        }
    }

    private static func object(_ value: JSONValue, node: FlowNode) throws(FlowRunError) -> JSONObject {
        switch value {
        case .object(let o): return o
        case .null: throw .nodeData(nodeId: node.id, message: "templateParameters entries must be objects (got null)")
        default: return [:]  // primitives have no properties: every field reads as undefined
        }
    }

    private static func optionalString(_ value: JSONValue?, node: FlowNode, field: String) throws(FlowRunError) -> String {
        switch value {
        case .none, .null?: return ""
        case .string(let s)?: return s
        case let other?: throw .nodeData(nodeId: node.id, message: "templateParameters.\(field) must be a string (got \(other.typeName))")
        }
    }
}
