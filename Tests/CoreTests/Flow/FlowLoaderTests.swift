import Testing

@testable import FlowEngine

@Suite("Lenient loading (sanitizeFlowDefinition)")
struct FlowLoaderTests {
    func load(_ text: String) -> FlowLoadResult { FlowLoader.load(.string(text)) }

    @Test func blankAndNullInputsAreEmpty() throws {
        #expect(try FlowDefinition.sanitize(nil) == .empty)
        #expect(try FlowDefinition.sanitize(.null) == .empty)
        #expect(try FlowDefinition.sanitize(jsonText: "  \n ") == .empty)
        #expect(try FlowDefinition.sanitize(jsonText: "{}") == .empty)
    }

    @Test func invalidJSONStringHasTheReferenceMessage() {
        #expect(throws: FlowSanitizationError(issues: [FlowLoadIssue(pointer: .root, message: "Flow definition string must be valid JSON.")])) {
            try FlowDefinition.sanitize(jsonText: "{nodes:")
        }
    }

    @Test func wrongTopLevelShapesAreRejected() {
        #expect(load("[]").issues == [FlowLoadIssue(pointer: .root, message: "Invalid input: expected object, received array")])
        #expect(load("5").issues.first?.message == "Invalid input: expected object, received number")
        #expect(load(#"{"nodes":null}"#).issues == [FlowLoadIssue(pointer: JSONPointer(["nodes"]), message: "Invalid input: expected array, received null")])
        #expect(load(#"{"edges":{}}"#).issues.first?.pointer.description == "/edges")
    }

    @Test func nodeRules() {
        let result = load(
            #"{"nodes":[{"id":1,"type":"message"},{"id":"","type":"message"},{"id":"a","type":"carousel"},{"id":"b"},{"id":"c","type":"end","position":"x"},"str"]}"#
        )
        #expect(
            result.issues.map(\.description) == [
                "/nodes/0/id: Invalid input: expected string, received number",
                "/nodes/1/id: Too small: expected string to have >=1 characters",
                #"/nodes/2/type: Invalid option: expected one of "trigger"|"message"|"options"|"delay"|"condition"|"api"|"assign"|"media"|"whatsapp_flow"|"handoff"|"goto"|"end""#,
                "/nodes/3/type: Invalid input: expected string, received undefined",
                "/nodes/4/position: Invalid input: expected object, received string",
                "/nodes/5: Invalid input: expected object, received string",
            ])
        #expect(result.definition.nodes.isEmpty)
    }

    @Test func coordinatesAreCoercedLikeJavaScript() throws {
        let definition = try FlowDefinition.sanitize(
            jsonText:
                #"{"nodes":[{"id":"a","type":"end","position":{"x":"12.5","y":"abc"}},{"id":"b","type":"end","position":{"x":null,"y":true}},{"id":"c","type":"end"}]}"#
        )
        #expect(definition.nodes.map(\.position) == [.init(x: 12.5, y: 0), .init(x: 0, y: 1), .init(x: 0, y: 0)])
    }

    @Test func dataThatIsNotAnObjectBecomesEmptyAndExtrasAreKept() throws {
        let definition = try FlowDefinition.sanitize(
            jsonText: #"{"nodes":[{"id":"a","type":"message","data":[1],"width":150,"selected":true}],"edges":[]}"#)
        #expect(definition.nodes[0].data == [:])
        #expect(definition.nodes[0].extras == ["width": 150, "selected": true])
        #expect(
            definition.jsonValue.serialized()
                == #"{"nodes":[{"width":150,"selected":true,"id":"a","type":"message","data":{},"position":{"x":0,"y":0}}],"edges":[]}"#)
    }

    @Test func edgeHandles() throws {
        let definition = try FlowDefinition.sanitize(
            jsonText: #"{"edges":[{"id":"e1","source":"a","target":"b","sourceHandle":"opt-0","targetHandle":null},{"id":"e2","source":"a","target":"b"}]}"#)
        #expect(definition.edges[0].sourceHandle == .named("opt-0"))
        #expect(definition.edges[0].targetHandle == .null)
        #expect(definition.edges[1].sourceHandle == .absent)
        #expect(
            definition.jsonValue["edges"]?.serialized()
                == #"[{"id":"e1","source":"a","target":"b","sourceHandle":"opt-0","targetHandle":null},{"id":"e2","source":"a","target":"b"}]"#)
        let bad = load(#"{"edges":[{"id":"e1","source":"a","target":"b","sourceHandle":3},{"id":"e2","source":"a"}]}"#)
        #expect(
            bad.issues.map(\.description) == [
                "/edges/0/sourceHandle: Invalid input: expected string | null, received number",
                "/edges/1/target: Invalid input: expected string, received undefined",
            ])
    }

    @Test func indexesFollowTheReference() throws {
        let definition = try FlowDefinition.sanitize(
            jsonText:
                #"{"nodes":[{"id":"a","type":"message","data":{"text":"1"}},{"id":"a","type":"message","data":{"text":"2"}}],"edges":[{"id":"e1","source":"a","target":"b"},{"id":"e2","source":"a","target":"c"}]}"#
        )
        #expect(definition.nodeIndex()["a"]?.data["text"] == "2")
        #expect(definition.outgoingIndex()["a"]?.map(\.id) == ["e1", "e2"])
    }

    @Test func typedDataReadsLeniently() {
        let node = FlowNode(
            id: "m", type: .message,
            data: ["text": 5, "useTemplate": "yes", "templateParameters": [["component": "body", "index": 1.5, "value": "x"], "junk"]])
        guard case .message(let message) = node.typedData else {
            Issue.record("expected message data")
            return
        }
        #expect(message.text == nil)
        #expect(message.useTemplate)
        #expect(message.templateParameters.count == 2)
        #expect(message.templateParameters[0].index == 1.5)
        #expect(message.templateParameters[1].component == nil)
    }

    @Test(
        arguments: [
            ("Hola", "hola"), ("  PROMOÇÃO  ", "promocao"), ("Ñandú", "nandu"), ("   ", nil), ("", nil), ("Ärger über", "arger uber"),
        ] as [(String, String?)])
    func triggerKeys(input: String, expected: String?) {
        #expect(TextNormalization.triggerKey(input) == expected)
    }

    @Test func coercions() {
        #expect(JSCoercion.stringToNumber(" 12 ") == 12)
        #expect(JSCoercion.stringToNumber("") == 0)
        #expect(JSCoercion.stringToNumber("0x1A") == 26)
        #expect(JSCoercion.stringToNumber("-Infinity") == -.infinity)
        #expect(JSCoercion.stringToNumber(".5") == 0.5)
        #expect(JSCoercion.stringToNumber("5.") == 5)
        #expect(JSCoercion.stringToNumber("1e3") == 1000)
        #expect(JSCoercion.stringToNumber("12px").isNaN)
        #expect(JSCoercion.stringToNumber("-0x10").isNaN)
        #expect(JSCoercion.stringToNumber("1_000").isNaN)
        #expect(JSCoercion.toNumber([["5"]]) == 5)
        #expect(JSCoercion.toString([1, nil, "a", [2, 3]]) == "1,,a,2,3")
        #expect(JSCoercion.toString(["a": 1]) == "[object Object]")
    }

    @Test func placeholders() {
        let found = Placeholder.scan("Hola {{ name }}, {{nombre-cliente}} {{items[0]}} {{}} {{ {{x}} }}")
        #expect(found.map(\.key) == ["name", "nombre-cliente", "items[0]", "", "x"])
        #expect(found.map(\.isRecognised) == [true, false, true, false, true])
    }

    @Test func titleTruncation() {
        #expect(TextNormalization.truncatedTitle("Consultar estado del pedido", limit: 20) == "Consultar estado de…")
        #expect(TextNormalization.truncatedTitle("  Sí  ", limit: 20) == "Sí")
    }
}
