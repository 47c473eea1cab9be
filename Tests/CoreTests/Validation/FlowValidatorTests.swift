import Foundation
import Testing

@testable import FlowEngine

@Suite("validate-flow rules")
struct FlowValidatorTests {
    @Test func cleanFlowHasNoFindings() {
        let text = flowText(
            [triggerHola, node("m", "message", #"{"text":"Hola {{name}}"}"#), node("e", "end")],
            [edge("e1", "t", "m"), edge("e2", "m", "e")])
        #expect(validate(text) == [])
    }

    @Test func jsonSyntaxErrorsHavePositions() {
        let findings = validate("{\n  \"nodes\": [\n    {\"id\": 1,,}\n  ]\n}")
        #expect(
            findings == [
                Finding(
                    rule: "json-syntax", severity: .error, message: "unexpected ',': expected a string key in double quotes", pointer: "", line: 3, column: 14)
            ])
        #expect(validate("").first?.message == "empty input: expected a JSON value")
        #expect(validate(String(repeating: "[", count: 10_000)).first?.message == "nesting deeper than 512 levels")
        let invalid = FlowValidator().validate(bytes: [0x7B, 0x22, 0xFF, 0x22, 0x7D])
        #expect(invalid.first?.rule == "json-syntax")
        #expect(invalid.first?.column == 3)
    }

    @Test func topLevelShape() {
        #expect(
            validate("[]") == [
                Finding(rule: "flow-shape", severity: .error, message: "Invalid input: expected object, received array", pointer: "", line: 1, column: 1)
            ])
        let findings = validate(#"{"nodes": 5}"#)
        #expect(findings.map(\.rule) == ["flow-shape", "no-trigger"])
        #expect(findings[0].pointer == "/nodes" && findings[0].column == 11)
    }

    @Test func flowShapeKeepsCheckingTheRest() {
        let text = flowText(
            [triggerHola, node("x", "carousel"), node("m", "message", #"{"text":"hi"}"#)], [edge("e1", "t", "m"), #"{"id":"e2","source":"m"}"#])
        let findings = validate(text)
        let shape = findings.with(rule: "flow-shape")
        #expect(shape.map(\.pointer) == ["/nodes/1/type", "/edges/1/target"])
        #expect(shape[0].line == 4 && shape[0].nodeId == "x")
        #expect(shape[1].line == 9)
        #expect(findings.with(rule: "dead-end").map(\.nodeId) == ["m"])
    }

    @Test func nodeDataMessagesFollowZod() {
        let text = flowText(
            [
                node("t", "trigger", #"{"keyword":"\#(String(repeating: "k", count: 70))"}"#),
                node("d", "delay", #"{"seconds":"abc","name":""}"#),
                node("o", "options", #"{"text":"Elegí","options":"a,b"}"#),
                node("h", "handoff", #"{"queue":""}"#),
                node("a", "api", #"{"url":"not a url","method":"FETCH","headers":{"X":1}}"#),
                node("s", "assign", #"{"key":"\#(String(repeating: "k", count: 51))"}"#),
                node("p", "message", #"{"useTemplate":true,"templateLanguage":"es","templateParameters":[{"component":"","type":"image","index":-1}]}"#),
                node("x", "options", #"{"text":"x","options":["solo"]}"#),
                node("m", "message", #"{"text":"   "}"#),
                node("c", "condition", #"{}"#),
                node("w", "whatsapp_flow", #"{"body":""}"#),
                node("g", "goto", #"{"targetNodeId":7}"#),
                node("b", "end", #"[]"#),
            ])
        let messages = validate(text).with(rule: "node-data").map { "\($0.nodeId ?? "-") \($0.pointer): \($0.message)" }
        #expect(
            messages == [
                "t /nodes/0/data/keyword: keyword: Too big: expected string to have <=64 characters (has 70)",
                "d /nodes/1/data/seconds: seconds: Invalid input: expected number, received string",
                "d /nodes/1/data/name: name: Too small: expected string to have >=1 characters",
                "o /nodes/2/data/options: options: Invalid input: expected array, received string",
                "h /nodes/3/data/queue: queue: Too small: expected string to have >=1 characters",
                "a /nodes/4/data/url: url: Invalid URL",
                #"a /nodes/4/data/method: method: Invalid option: expected one of "GET"|"POST"|"PUT"|"PATCH"|"DELETE""#,
                "a /nodes/4/data/headers/X: headers.X: Invalid input: expected string, received number",
                "s /nodes/5/data/value: value: Invalid input: expected string, received undefined",
                "s /nodes/5/data/key: key: Too big: expected string to have <=50 characters (has 51)",
                "p /nodes/6/data/templateParameters/0/component: templateParameters.0.component: Too small: expected string to have >=1 characters",
                #"p /nodes/6/data/templateParameters/0/type: templateParameters.0.type: Invalid input: expected "text""#,
                "p /nodes/6/data/templateParameters/0/index: templateParameters.0.index: Too small: expected number to be >=0",
                "x /nodes/7/data/options: options: Too small: expected array to have >=2 items",
                "m /nodes/8/data/text: Message text is required",
                "c /nodes/9/data/expression: expression: Invalid input: expected string, received undefined",
                "w /nodes/10/data/body: body: Too small: expected string to have >=1 characters",
                "g /nodes/11/data/targetNodeId: targetNodeId: Invalid input: expected string, received number",
                "b /nodes/12/data: data: Invalid input: expected object, received array",
            ])
        #expect(validate(text).with(rule: "template-incomplete").map(\.message) == ["Template name is required when using templates"])
    }

    @Test func templatedURLsAreAccepted() {
        for url in ["https://api.example.com/orders/{{order_id}}", "{{apiBase}}/orders", "https://{{host}}/x", "http://127.0.0.1:8080/a b"] {
            let text = flowText([triggerHola, node("a", "api", #"{"url":"\#(url)"}"#)], [edge("e1", "t", "a")])
            #expect(validate(text).with(rule: "node-data").isEmpty, "\(url)")
        }
        for url in ["not a url", "https://", "http://exa mple.com", "https://x.com:99999/", "//x.com", "{{a}} b"] {
            let text = flowText([triggerHola, node("a", "api", #"{"url":"\#(url)"}"#)], [edge("e1", "t", "a")])
            #expect(validate(text).with(rule: "node-data").map(\.message) == (url == "{{a}} b" ? [] : ["url: Invalid URL"]), "\(url)")
        }
    }

    @Test func triggersAndIds() {
        let text = flowText(
            [
                node("t1", "trigger", #"{"keyword":"Hola"}"#), node("t2", "trigger", #"{"keyword":" hola "}"#),
                node("t3", "trigger", #"{"keyword":"hola mundo"}"#), node("t4", "trigger", #"{"keyword":"PROMOÇÃO"}"#),
                node("t5", "trigger", #"{"keyword":"promocao"}"#), node("m", "end"), node("m", "end"),
            ],
            [edge("e1", "t1", "m"), edge("e1", "t2", "m"), edge("e3", "t3", "m"), edge("e4", "t4", "m"), edge("e5", "t5", "m")])
        let findings = validate(text)
        #expect(findings.with(rule: "duplicate-trigger-keyword").map(\.nodeId) == ["t2", "t5"])
        #expect(
            findings.with(rule: "duplicate-trigger-keyword").first?.message
                == "trigger keyword 'hola' is already used by node 't1'; this trigger never starts the flow")
        #expect(findings.with(rule: "trigger-shadowed").map(\.nodeId) == ["t3"])
        #expect(findings.with(rule: "duplicate-node-id").map(\.pointer) == ["/nodes/6/id"])
        #expect(findings.with(rule: "duplicate-edge-id").map(\.pointer) == ["/edges/1/id"])
        #expect(validate(flowText([node("m", "message", #"{"text":"x"}"#)])).with(rule: "no-trigger").count == 1)
        #expect(validate(flowText([node("t", "trigger", #"{"keyword":"  "}"#)])).rules.contains("no-trigger"))
    }

    @Test func edgesAndHandles() {
        let text = flowText(
            [
                triggerHola, node("o", "options", #"{"text":"¿Sí?","options":["Sí","No","Tal vez"]}"#),
                node("c", "condition", #"{"expression":"context.ok"}"#), node("m", "message", #"{"text":"x"}"#), node("e", "end"),
            ],
            [
                edge("e1", "t", "o"), edge("e2", "o", "c", handle: "opt-0"), edge("e3", "o", "e", handle: "opt-7"),
                edge("e4", "c", "m", handle: "true"), edge("e5", "c", "e", handle: "maybe"), edge("e6", "m", "e"),
                edge("e7", "m", "nowhere"), edge("e8", "ghost", "e"), edge("e9", "t", "e", handle: "x"),
            ])
        let findings = validate(text)
        #expect(findings.with(rule: "unknown-handle").map(\.pointer) == ["/edges/2/sourceHandle", "/edges/4/sourceHandle", "/edges/8/sourceHandle"])
        #expect(findings.with(rule: "unknown-handle").map(\.severity) == [.error, .error, .warning])
        #expect(
            findings.with(rule: "dangling-edge").map(\.message) == ["edge 'e7' leads to unknown node 'nowhere'", "edge 'e8' starts at unknown node 'ghost'"])
        #expect(findings.with(rule: "extra-edge").map(\.pointer) == ["/edges/6", "/edges/8"])
        #expect(findings.with(rule: "missing-option-edge").map(\.pointer) == ["/nodes/1", "/nodes/1/data/options/1", "/nodes/1/data/options/2"])
        #expect(
            findings.with(rule: "missing-condition-branch").map(\.message) == ["condition 'c' has no 'false' edge; when it is false the session completes here"]
        )
    }

    @Test func gotosReachabilityAndLoops() {
        let text = flowText(
            [
                triggerHola, node("m", "message", #"{"text":"x"}"#), node("a", "assign", #"{"key":"n","value":"1"}"#),
                node("g", "goto", #"{"targetNodeId":"m"}"#), node("self", "goto", #"{"targetNodeId":"self"}"#),
                node("ghost", "goto", #"{"targetNodeId":"zzz"}"#), node("empty", "goto", #"{"targetNodeId":""}"#),
                node("lost", "message", #"{"text":"y"}"#), node("o", "options", #"{"text":"?","options":["a","b"]}"#),
                node("c", "condition", #"{"expression":"true"}"#),
            ],
            [
                edge("e1", "t", "m"), edge("e2", "m", "a"), edge("e3", "a", "g"),
                edge("e4", "lost", "o"), edge("e5", "o", "c", handle: "opt-0"), edge("e6", "o", "c", handle: "opt-1"),
                edge("e7", "o", "c", handle: "no-match"), edge("e8", "c", "o", handle: "true"), edge("e9", "c", "o", handle: "false"),
            ])
        let findings = validate(text)
        #expect(findings.with(rule: "goto-target").map(\.nodeId) == ["self", "ghost", "empty"])
        #expect(
            findings.with(rule: "goto-target").map(\.message) == [
                "goto 'self' targets itself", "goto 'ghost' targets unknown node 'zzz'; the session would end Errored", "goto 'empty' has an empty target",
            ])
        let loops = findings.with(rule: "loop-without-wait")
        #expect(loops.map(\.nodeId) == ["m", "self"])
        #expect(
            loops.first?.message == "nodes 'm' → 'a' → 'g' form a loop with no options or handoff node; a run can only end in the loop guard (session Errored)")
        #expect(findings.with(rule: "unreachable-node").map(\.nodeId) == ["self", "ghost", "empty", "lost", "o", "c"])
    }

    @Test func whatsAppLimits() {
        let twelve = (1...12).map { #""Opción \#($0)""# }.joined(separator: ",")
        let text = flowText(
            [
                triggerHola,
                node("list", "options", #"{"text":"Menú","options":["Uno","Dos","Tres","Cuatro","Una opción con título larguísimo"]}"#),
                node("many", "options", #"{"text":"Menú","options":[\#(twelve)]}"#),
                node("dup", "options", #"{"text":"Menú","options":["Consultar estado del pedido","Consultar estado del envío"]}"#),
                node("blank", "options", #"{"text":" ","options":["a","b"]}"#),
                node("long", "options", #"{"text":"\#(String(repeating: "x", count: 1025))","options":["a","b"]}"#),
                node("wf", "whatsapp_flow", #"{"header":"\#(String(repeating: "h", count: 61))","body":"b","cta":"Completar el formulario"}"#),
                node("tpl", "message", #"{"useTemplate":true,"templateName":"x"}"#),
                node("media", "media", #"{"mediaType":"image","caption":"c"}"#),
                node("d", "delay", #"{"seconds":300}"#),
            ])
        let findings = validate(text)
        #expect(findings.with(rule: "options-as-list").map(\.nodeId) == ["list"])
        #expect(
            findings.with(rule: "option-title-truncated").map(\.message) == [
                "option title has 32 characters; list rows allow 24, so it is sent as 'Una opción con título l…'",
                "option title has 27 characters; buttons allow 20, so it is sent as 'Consultar estado de…'",
                "option title has 26 characters; buttons allow 20, so it is sent as 'Consultar estado de…'",
            ])
        #expect(findings.with(rule: "too-many-options").map(\.message) == ["12 options: a WhatsApp list holds at most 10 rows"])
        #expect(findings.with(rule: "duplicate-option-title").map(\.pointer) == ["/nodes/3/data/options/1"])
        #expect(findings.with(rule: "empty-interactive-body").map(\.nodeId) == ["blank"])
        #expect(findings.with(rule: "body-too-long").map(\.nodeId) == ["long"])
        #expect(findings.with(rule: "header-footer-too-long").map(\.message) == ["header has 61 characters; WhatsApp allows 60"])
        #expect(findings.with(rule: "flow-cta-too-long").map(\.message) == ["call-to-action has 23 characters; WhatsApp Flow buttons allow 20"])
        #expect(findings.with(rule: "template-incomplete").map(\.message) == ["Template language is required when using templates"])
        #expect(findings.with(rule: "media-missing-source").map(\.pointer) == ["/nodes/8/data/url"])
        #expect(findings.with(rule: "delay-capped").map(\.message) == ["delay of 300 s is capped at 60 s at run time"])
        #expect(validate(text, options: .init(delayCapSeconds: 600)).with(rule: "delay-capped").isEmpty)
    }

    @Test func conditionsAndPlaceholders() {
        let text = flowText(
            [
                triggerHola,
                node("c1", "condition", #"{"expression":"context.total > > 5"}"#),
                node("c2", "condition", #"{"expression":"Math.max(context.a, 1) > 2"}"#),
                node("c3", "condition", #"{"expression":"context.importe > 0 && context.processed"}"#),
                node("m", "message", #"{"text":"Hola {{ nombre-cliente }}, tu {{items[0]}} y {{items.0}}"}"#),
            ])
        let findings = validate(text)
        let syntax = findings.with(rule: "expression-syntax")
        #expect(syntax.count == 1)
        #expect(syntax.first?.line == 4)
        #expect(syntax.first?.pointer == "/nodes/1/data/expression")
        let unknown = findings.with(rule: "unknown-function")
        #expect(unknown.count == 1)
        #expect(unknown.first?.nodeId == "c2")
        #expect(!findings.contains { $0.nodeId == "c3" && ($0.rule == "expression-syntax" || $0.rule == "unknown-function") })
        let placeholders = findings.with(rule: "unresolvable-placeholder")
        #expect(
            placeholders.map(\.message) == [
                "{{ nombre-cliente }} is sent literally: placeholder keys may only contain letters, digits, '_', '.', '[' and ']'",
                "{{items[0]}} never resolves: brackets are not indexes in placeholders (the key 'items[0]' is looked up literally)",
            ])
        // The column points into the string: `{"id":"m",…,"data":{"text":"Hola ` precedes the placeholder.
        let line = text.split(separator: "\n", omittingEmptySubsequences: false)[6]
        let column = line.distance(from: line.startIndex, to: line.range(of: "{{ nombre")?.lowerBound ?? line.startIndex) + 1
        #expect(placeholders.first?.column == column)
        #expect(placeholders.map(\.hint) == ["rename the variable, e.g. {{nombre_cliente}}", "write {{items.0}}"])
    }

    @Test func ignoredRulesAreLeftOut() {
        let text = flowText([node("m", "message", #"{"text":"x"}"#)])
        #expect(validate(text, options: .init(ignoredRules: ["no-trigger", "dead-end", "unreachable-node"])) == [])
    }

    @Test func wrongTypesEverywhereNeverCrash() {
        let values = ["null", "true", "-1", "1e308", #""""#, #""x""#, "[]", "[null]", "{}", #"{"a":[]}"#]
        for type in NodeType.allCases {
            for field in [
                "keyword", "text", "options", "seconds", "expression", "url", "method", "headers", "body", "key", "value", "mediaType", "id", "caption",
                "header", "footer", "cta", "queue", "note", "targetNodeId", "reason", "useTemplate", "templateName", "templateLanguage", "templateParameters",
                "listButton", "name", "assignTo",
            ] {
                for value in values {
                    let text = flowText([triggerHola, node("n", type.rawValue, #"{"\#(field)":\#(value)}"#)], [edge("e1", "t", "n")])
                    _ = validate(text)
                }
            }
        }
        for shape in [
            "[]", "null", "1", #""""#, #""{}""#, #"{"nodes":[[]],"edges":[1]}"#, #"{"nodes":[{"id":"a","type":"options","data":{"options":[1,null,{}]}}]}"#,
        ] {
            _ = validate(shape)
        }
    }
}
