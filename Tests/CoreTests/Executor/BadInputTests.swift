import Foundation
import Testing

@testable import FlowEngine

@Suite("executor: bad flow data is an Errored session with a clear message, never a crash")
struct BadInputTests {
    func run(_ nodeType: String, _ data: String) async throws -> (FlowRunError?, SessionRecord?) {
        let h = Harness(flowJSON([node("t", "trigger", #"{"keyword":"hola"}"#), node("n", nodeType, data)], [edge("e1", "t", "n")]))
        let error = try await h.sendExpectingError("hola")
        return (error, await h.storedSession())
    }

    @Test(arguments: [
        ("message", #"{"text":42}"#, "node 'n': text must be a string (got number)"),
        ("message", #"{"text":["a"]}"#, "node 'n': text must be a string (got array)"),
        ("message", #"{"useTemplate":true,"templateName":{"x":1},"templateLanguage":"es"}"#, "node 'n': templateName must be a string (got object)"),
        (
            "message", #"{"useTemplate":true,"templateName":"t","templateLanguage":"es","templateParameters":[null]}"#,
            "node 'n': templateParameters entries must be objects (got null)"
        ),
        (
            "message", #"{"useTemplate":true,"templateName":"t","templateLanguage":"es","templateParameters":[{"component":5}]}"#,
            "node 'n': templateParameters.component must be a string (got number)"
        ),
        ("options", #"{"text":"x","options":"a,b"}"#, "node 'n': options must be an array (got string)"),
        ("options", #"{"text":"x","options":[]}"#, "FlowSendMessageError: Options node has no options to send (status 400)"),
        ("options", #"{"text":7,"options":["a"]}"#, "node 'n': text must be a string (got number)"),
        ("media", #"{"mediaType":"image"}"#, "FlowSendMessageError: Media message must have either an id or a url (status 400)"),
        ("media", #"{"url":12345}"#, "node 'n': url must be a string (got number)"),
        ("api", #"{"url":5}"#, "node 'n': url must be a string (got number)"),
        ("api", #"{"url":"https://x.example","assignTo":[1]}"#, "node 'n': assignTo must be a string (got array)"),
        ("assign", #"{"key":7,"value":"x"}"#, "node 'n': assign key must be a string (got number)"),
        ("whatsapp_flow", #"{"body":true}"#, "node 'n': body must be a string (got boolean)"),
        ("handoff", #"{"queue":"q","note":{"a":1}}"#, "node 'n': note must be a string (got object)"),
    ])
    func wrongFieldTypes(type: String, data: String, message: String) async throws {
        let (error, session) = try await run(type, data)
        #expect(error?.description == message)
        #expect(session?.status == "Errored")
        #expect(session?.currentNodeId == "n")
    }

    @Test(arguments: ["trigger", "message", "options", "delay", "condition", "api", "assign", "media", "whatsapp_flow", "handoff", "goto", "end"])
    func missingOrOddDataNeverCrashes(type: String) async throws {
        for data in [
            "{}", "null", "[]", "5", #""text""#,
            #"{"text":null,"options":null,"seconds":null,"expression":null,"url":null,"key":null,"queue":null,"targetNodeId":null,"reason":null}"#,
        ] {
            let h = Harness(
                #"{"nodes":[{"id":"t","type":"trigger","data":{"keyword":"hola"}},{"id":"n","type":"\#(type)","data":\#(data)}],"edges":[{"id":"e","source":"t","target":"n"}]}"#
            )
            let error = try await h.sendExpectingError("hola")
            let session = await h.storedSession()
            // Either it ran to a state, or it stopped with an error and an Errored session.
            if error != nil { #expect(session?.status == "Errored", "\(type) \(data)") }
        }
    }

    @Test func cyclicFlowsStopInAGuard() async throws {
        for cycle in 1...8 {
            let ids = (0..<cycle).map { "n\($0)" }
            let nodes = [node("t", "trigger", #"{"keyword":"loop"}"#)] + ids.map { node($0, "condition", #"{"expression":"true"}"#) }
            let edges = [edge("e", "t", "n0")] + (0..<cycle).map { edge("c\($0)", "n\($0)", "n\(($0 + 1) % cycle)", handle: "true") }
            let h = Harness(flowJSON(nodes, edges))
            let outcome = try await h.send("loop")
            guard case .errored = outcome.result else {
                Issue.record("cycle of \(cycle) did not stop in a guard: \(outcome.result)")
                continue
            }
            #expect(await h.storedSession()?.status == "Errored")
            #expect(outcome.steps <= 501)
        }
    }

    @Test func hugeTemplatesAreHandled() async throws {
        let big = String(repeating: "{{a}}{{b.c}}texto ", count: 20_000)
        let h = Harness(flowJSON([node("t", "trigger", #"{"keyword":"hola"}"#), node("m", "message", #"{"text":"\#(big)"}"#)], [edge("e1", "t", "m")]))
        _ = try await h.session(context: ["a": "x", "b": ["c": [1, 2]]])
        try await h.send("hola")
        guard case .text(let body)? = h.sender.sent.first else {
            Issue.record("no text sent")
            return
        }
        #expect(body.count == String(repeating: "x1,2texto ", count: 20_000).count)
        #expect(body.hasPrefix("x1,2texto x1,2texto "))
    }

    @Test func templatingEdgeCases() {
        let context: JSONObject = [
            "name": "Ada", "n": 1.5, "big": 1e21, "list": [1, nil, "b", [2, 3]], "obj": ["k": "v"], "flag": false,
            "nested": ["deep": ["x": 0]], "items[0]": "literal", "s": "texto", "nul": nil,
        ]
        let cases: [(String, String)] = [
            ("{{name}}", "Ada"), ("{{ context.name }}", "Ada"), ("{{context.nested.deep.x}}", "0"), ("{{missing}}", ""),
            ("{{n}}|{{big}}", "1.5|1e+21"), ("{{list}}", "1,,b,2,3"), ("{{obj}}", "[object Object]"), ("{{flag}}", "false"),
            ("{{nul}}", ""), ("{{name-x}}", "{{name-x}}"), ("{{ñame}}", "{{ñame}}"), ("{{items[0]}}", "literal"),
            ("{{list.3.1}}", "3"), ("{{list.length}}", "4"), ("{{s.length}}", ""), ("{{{name}}}", "{Ada}"), ("{{}}", "{{}}"),
            ("{{ name }} y {{name}}", "Ada y Ada"), ("sin llaves", "sin llaves"), ("{{context}}", "[object Object]"),
        ]
        for (template, expected) in cases {
            #expect(ContextPaths.interpolate(template, context: context) == expected, "\(template)")
        }
    }

    @Test func setByPathRules() {
        var context: JSONObject = ["a": "primitive", "arr": [1, 2]]
        ContextPaths.set(&context, "a.b.c", "x")
        ContextPaths.set(&context, "arr.1", "y")
        ContextPaths.set(&context, "arr.name", "dropped")
        ContextPaths.set(&context, "", "empty key")
        ContextPaths.set(&context, "x..y", "z")
        #expect(JSONValue.object(context).serialized() == #"{"a":{"b":{"c":"x"}},"arr":[1,"y"],"":"empty key","x":{"":{"y":"z"}}}"#)
    }
}

@Suite("executor: failed runs report what they did")
struct FailureReportTests {
    @Test func failureKeepsEventsAndSession() async throws {
        let h = Harness(
            flowJSON(
                [node("t", "trigger", #"{"keyword":"hola"}"#), node("m", "message", #"{"text":"uno"}"#), node("x", "message", #"{"text":5}"#)],
                [edge("e1", "t", "m"), edge("e2", "m", "x")]))
        let session = try await h.session()
        let result = await h.executor.execute(session: session, flow: h.flow, contact: h.contact, inbound: .text("hola"))
        guard case .failure(let failure) = result else {
            Issue.record("expected a failure")
            return
        }
        #expect(failure.error == .nodeData(nodeId: "x", message: "text must be a string (got number)"))
        #expect(failure.events.contains(.sent(.text(body: "uno"), messageId: "wamid.1")))
        #expect(failure.events.last == .stopped(reason: "node 'x': text must be a string (got number)"))
        #expect(failure.session.status == "Errored" && failure.session.currentNodeId == "x")
        #expect(failure.session.context?["lastBotMessage"] == "uno")
        #expect(failure.steps == 3)
        #expect(await h.storedSession()?.status == "Errored")
    }

    @Test func invalidDefinitionReportsNoEvents() async throws {
        let h = Harness(#"{"nodes":"nope"}"#)
        let session = try await h.session()
        guard case .failure(let failure) = await h.executor.execute(session: session, flow: h.flow, contact: h.contact, inbound: .text("hola")) else {
            Issue.record("expected a failure")
            return
        }
        guard case .invalidDefinition = failure.error else {
            Issue.record("expected invalidDefinition")
            return
        }
        #expect(failure.events.isEmpty && failure.session == session)
    }
}
