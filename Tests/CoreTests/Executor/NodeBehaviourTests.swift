import Foundation
import Testing

@testable import FlowEngine

@Suite("executor: node types")
struct NodeBehaviourTests {
    @Test func messageSendsInterpolatedTextAndWritesTheRow() async throws {
        let h = Harness(
            flowJSON(
                [
                    node("t", "trigger", #"{"keyword":"hola"}"#), node("a", "assign", #"{"key":"cliente.nombre","value":"Ada {{input}}"}"#),
                    node("m", "message", #"{"text":"Hola {{cliente.nombre}} / {{context.cliente.nombre}} / {{missing}} / {{ lastInput }}"}"#),
                ],
                [edge("e1", "t", "a"), edge("e2", "a", "m")]))
        let outcome = try await h.send("hola")
        #expect(outcome.result == .completed)
        #expect(h.sender.sent == [.text(body: "Hola Ada hola / Ada hola /  / hola")])
        let rows = await h.messages()
        #expect(rows.count == 1)
        let row = try #require(rows.first)
        #expect(row.direction == "outbound" && row.type == "text" && row.status == "Sent")
        #expect(row.content == "Hola Ada hola / Ada hola /  / hola")
        #expect(row.payload == nil && row.waMessageId == "wamid.1" && row.sessionId == "session1" && row.userId == "user1")
        #expect(row.contactId == "contact1" && row.error == nil && row.statusUpdatedAt == nil)
        let session = try #require(await h.storedSession())
        #expect(session.status == "Completed" && session.currentNodeId == nil)
    }

    @Test func templateComponentsAreGrouped() async throws {
        let parameters =
            #"[{"component":"body","value":"{{input}}"},{"component":" BODY ","value":"dos"},{"component":"button","subType":"URL","index":0,"value":"abc"},{"component":"header","value":"h"},{"component":"","value":"tres"},{"component":"button","subType":"url","index":1,"value":"x"}]"#
        let h = Harness(
            flowJSON(
                [
                    node("t", "trigger", #"{"keyword":"hola"}"#),
                    node("m", "message", #"{"useTemplate":true,"templateName":" promo ","templateLanguage":"es_AR","templateParameters":\#(parameters)}"#),
                ],
                [edge("e1", "t", "m")]))
        try await h.send("hola")
        #expect(
            h.sender.sent == [
                .template(
                    .init(
                        name: "promo", language: "es_AR",
                        components: [
                            .init(type: "body", parameters: ["hola", "dos", "tres"]), .init(type: "button", subType: "url", index: 0, parameters: ["abc"]),
                            .init(type: "header", parameters: ["h"]), .init(type: "button", subType: "url", index: 1, parameters: ["x"]),
                        ]))
            ])
        let row = try #require(await h.messages().first)
        #expect(row.type == "template" && row.content == "promo")
        #expect(
            row.payload?.serialized()
                == #"{"template":{"name":"promo","language":"es_AR"},"components":[{"type":"body","parameters":[{"type":"text","text":"hola"},{"type":"text","text":"dos"},{"type":"text","text":"tres"}]},{"type":"button","parameters":[{"type":"text","text":"abc"}],"subType":"url","index":0},{"type":"header","parameters":[{"type":"text","text":"h"}]},{"type":"button","parameters":[{"type":"text","text":"x"}],"subType":"url","index":1}]}"#
        )
        let entry = try #require(await h.context()["_meta"]?["history"]?.arrayValue?.last)
        #expect(entry["payload"]?["parameters"]?.arrayValue?[2].serialized() == #"{"component":"BUTTON","subType":"URL","index":0,"value":"abc","raw":"abc"}"#)
        #expect(
            entry["payload"]?["parameters"]?.arrayValue?[4].serialized() == #"{"component":"BODY","subType":null,"index":null,"value":"tres","raw":"tres"}"#)
        #expect(await h.context()["lastBotMessage"] == "promo")
    }

    @Test func templateWithoutNameFailsAndErrors() async throws {
        let h = Harness(
            flowJSON([node("t", "trigger", #"{"keyword":"hola"}"#), node("m", "message", #"{"useTemplate":true,"templateName":"x"}"#)], [edge("e1", "t", "m")]))
        let error = try await h.sendExpectingError("hola")
        #expect(error == .send(FlowSendMessageError("Missing template name or language for WhatsApp template message", status: 400)))
        #expect(await h.storedSession()?.status == "Errored")
        #expect(await h.storedSession()?.currentNodeId == "m")
        #expect(h.sender.sent.isEmpty)
    }

    @Test func optionsAsButtonsAndAsList() async throws {
        let h = Harness(
            flowJSON(
                [
                    node("t", "trigger", #"{"keyword":"hola"}"#),
                    node("o", "options", #"{"text":"Elegí","options":["Consultar estado del pedido","Consultar estado del envío","Otra  cosa"]}"#),
                ],
                [edge("e1", "t", "o")]))
        try await h.send("hola")
        #expect(
            h.sender.sent == [
                .buttons(
                    body: "Elegí",
                    buttons: [
                        .init(id: "consultar_estado_del_pedido", title: "Consultar estado de…"),
                        .init(id: "consultar_estado_del_envío", title: "Consultar estado (2)"), .init(id: "otra_cosa", title: "Otra  cosa"),
                    ])
            ])
        let row = try #require(await h.messages().first)
        #expect(row.type == "interactive")
        #expect(row.payload?.serialized() == #"{"text":"Elegí","options":["Consultar estado del pedido","Consultar estado del envío","Otra  cosa"]}"#)

        let list = Harness(
            flowJSON(
                [
                    node("t", "trigger", #"{"keyword":"menu"}"#),
                    node(
                        "o", "options",
                        #"{"text":"Menú","listButton":"Ver temas","options":["Uno","Dos","Tres","Cuatro","Opción con un título bastante largo","Uno"]}"#),
                ],
                [edge("e1", "t", "o")]))
        try await list.send("menu")
        #expect(
            list.sender.sent == [
                .list(
                    body: "Menú", button: "Ver temas",
                    sections: [
                        .init(rows: [
                            .init(id: "uno", title: "Uno"), .init(id: "dos", title: "Dos"), .init(id: "tres", title: "Tres"),
                            .init(id: "cuatro", title: "Cuatro"), .init(id: "opción_con_un_título_bastante_largo", title: "Opción con un título ba…"),
                            .init(id: "uno_2", title: "Uno (2)"),
                        ])
                    ])
            ])
    }

    @Test func delayGoesThroughTheClockAndIsCapped() async throws {
        for (seconds, waited) in [("5", 5_000), ("\"5\"", 5_000), ("300", 60_000), ("-3", 0), ("\"abc\"", 0), ("null", 0), ("0.0015", 2)] {
            let h = Harness(flowJSON([node("t", "trigger", #"{"keyword":"hola"}"#), node("d", "delay", #"{"seconds":\#(seconds)}"#)], [edge("e1", "t", "d")]))
            let before = h.clock.now()
            let outcome = try await h.send("hola")
            #expect(Int((h.clock.now().timeIntervalSince(before) * 1000).rounded()) == waited, "\(seconds)")
            #expect(outcome.events.contains(.delayed(milliseconds: waited)) == (waited > 0), "\(seconds)")
        }
    }

    @Test func conditionsBranchAndNeverFallBack() async throws {
        func run(
            _ expression: String, edges: [String] = [edge("e2", "c", "yes", handle: "true"), edge("e3", "c", "no", handle: "false")]
        ) async throws -> (String?, FlowRunOutcome) {
            let h = Harness(
                flowJSON(
                    [
                        node("t", "trigger", #"{"keyword":"hola"}"#), node("c", "condition", #"{"expression":\#(expression)}"#),
                        node("yes", "message", #"{"text":"sí"}"#), node("no", "message", #"{"text":"no"}"#),
                    ],
                    [edge("e1", "t", "c")] + edges))
            let outcome = try await h.send("hola OK")
            if case .text(let body)? = h.sender.sent.first { return (body, outcome) }
            return (nil, outcome)
        }
        #expect(try await run(#""context.input?.toLowerCase?.().includes('ok')""#).0 == "sí")
        #expect(try await run(#""context.importe > 0""#).0 == "no")
        #expect(try await run(#""Math.max(1)""#).0 == "no")
        #expect(try await run(#""context.a.b.c""#).0 == "no")
        #expect(try await run("5").0 == "sí")  // String(5) is "5", truthy
        #expect(try await run("null").0 == "no")  // missing expression is "false"
        let (sent, outcome) = try await run(#""true""#, edges: [edge("e3", "c", "no", handle: "false")])
        #expect(sent == nil)
        #expect(outcome.result == .completed)
        #expect(outcome.events.contains(.condition(expression: "true", result: true, error: nil)))
    }

    @Test func apiNodeStoresResultAndStatus() async throws {
        let api = FakeAPIClient { request throws(APIClientError) in
            if request.url.hasSuffix("/fail") { throw .timeout }
            return APIResponse(status: 404, body: ["id": 7, "status": "shipped"])
        }
        let h = Harness(
            flowJSON(
                [
                    node("t", "trigger", #"{"keyword":"hola"}"#),
                    node(
                        "a", "api",
                        #"{"url":"https://api.example.com/orders/{{input}}","method":"post","headers":{"Authorization":"Bearer {{token}}","X-N":5},"body":"{\"q\":\"{{input}}\"}","assignTo":"order.data"}"#
                    ),
                    node("b", "api", #"{"url":"https://api.example.com/fail"}"#),
                ],
                [edge("e1", "t", "a"), edge("e2", "a", "b")]),
            api: api)
        _ = try await h.session(context: ["token": "s3cr3t"])
        try await h.send("hola")
        #expect(
            api.recorded == [
                APIRequest(
                    method: "POST", url: "https://api.example.com/orders/hola",
                    headers: [.init(name: "Authorization", value: "Bearer s3cr3t"), .init(name: "X-N", value: "5")], body: #"{"q":"hola"}"#),
                APIRequest(method: "GET", url: "https://api.example.com/fail", headers: [], body: nil),
            ])
        let context = await h.context()
        #expect(context["order"]?.serialized() == #"{"data":{"id":7,"status":"shipped"},"dataStatus":404}"#)
        #expect(context["apiResult"] == ["error": "API call failed"])
        #expect(context["apiResultStatus"] == .null)
    }

    @Test func assignWritesStringsByPath() async throws {
        let h = Harness(
            flowJSON(
                [
                    node("t", "trigger", #"{"keyword":"hola"}"#), node("a1", "assign", #"{"key":"context.customer_name","value":"Ada"}"#),
                    node("a2", "assign", #"{"key":"edad","value":20}"#), node("a3", "assign", #"{"key":"x.y","value":"{{edad}}"}"#),
                    node("a4", "assign", #"{"key":"","value":"ignored"}"#), node("a5", "assign", #"{"key":"lastInput.sub","value":"v"}"#),
                    node(
                        "c", "condition",
                        #"{"expression":"context.edad > 18 && context.customer_name === undefined && context.context.customer_name === 'Ada'"}"#),
                    node("m", "message", #"{"text":"{{context.customer_name}} {{x.y}}"}"#),
                ],
                [
                    edge("e1", "t", "a1"), edge("e2", "a1", "a2"), edge("e3", "a2", "a3"), edge("e4", "a3", "a4"), edge("e5", "a4", "a5"),
                    edge("e6", "a5", "c"), edge("e7", "c", "m", handle: "true"),
                ]))
        try await h.send("hola")
        #expect(h.sender.sent == [.text(body: "Ada 20")])
        let context = await h.context()
        #expect(context["edad"] == "20")
        #expect(context["x"] == ["y": "20"])
        #expect(context["lastInput"] == ["sub": "v"])  // setByPath replaces primitives on the way
        #expect(context[""] == nil)
    }

    @Test func mediaAndItsFailureRow() async throws {
        let h = Harness(
            flowJSON(
                [
                    node("t", "trigger", #"{"keyword":"hola"}"#),
                    node("m", "media", #"{"mediaType":"document","url":"https://cdn.example.com/{{input}}.pdf","caption":"Lista {{input}}"}"#),
                    node("m2", "media", #"{"mediaType":"sticker","id":"123"}"#),
                ],
                [edge("e1", "t", "m"), edge("e2", "m", "m2")]),
            sender: RecordingSender(results: [.success(messageId: "wamid.A"), .failure(error: "(#131053) Media upload error", status: 400)]))
        let error = try await h.sendExpectingError("hola")
        #expect(error == .send(FlowSendMessageError("(#131053) Media upload error", status: 400)))
        #expect(
            h.sender.sent == [
                .media(.init(kind: .document, url: "https://cdn.example.com/hola.pdf", caption: "Lista hola")),
                .media(.init(kind: .image, id: "123")),
            ])
        let rows = await h.messages()
        #expect(rows.map(\.status) == ["Sent", "Failed"])
        #expect(rows[0].payload?.serialized() == #"{"mediaType":"document","url":"https://cdn.example.com/hola.pdf","caption":"Lista hola"}"#)
        #expect(rows[0].content == "Lista hola")
        #expect(rows[1].error == "(#131053) Media upload error" && rows[1].waMessageId == nil)
        #expect(await h.context()["lastBotMedia"] == ["mediaType": "document", "url": "https://cdn.example.com/hola.pdf", "caption": "Lista hola"])
        #expect(await h.storedSession()?.status == "Errored")
    }

    @Test func whatsappFlowRecordedOrSent() async throws {
        let definition = flowJSON(
            [
                node("t", "trigger", #"{"keyword":"hola"}"#),
                node("f", "whatsapp_flow", #"{"header":" Turnos ","body":"Reservá {{input}}","footer":"","cta":"Abrir"}"#),
            ],
            [edge("e1", "t", "f")])
        let recorded = Harness(definition)
        try await recorded.send("hola")
        #expect(recorded.sender.sent.isEmpty)
        #expect(await recorded.messages().isEmpty)
        #expect(
            await recorded.context()["pendingWhatsAppFlow"]?.serialized()
                == #"{"header":"Turnos","body":"Reservá hola","footer":null,"cta":"Abrir","generatedAt":"2025-11-28T14:03:07.123Z"}"#)
        #expect(await recorded.context()["lastBotMessage"] == "Reservá hola")

        let sent = Harness(definition, metaFlowId: "1234567890", metaFlowToken: "tok")
        try await sent.send("hola")
        #expect(sent.sender.sent == [.flow(.init(flowId: "1234567890", flowToken: "tok", cta: "Abrir", header: "Turnos", body: "Reservá hola"))])
        #expect(await sent.messages().first?.type == "interactive")
        #expect(await sent.context()["pendingWhatsAppFlow"] == nil)

        let empty = Harness(flowJSON([node("t", "trigger", #"{"keyword":"hola"}"#), node("f", "whatsapp_flow", #"{"body":"  "}"#)], [edge("e1", "t", "f")]))
        #expect(try await empty.sendExpectingError("hola") == .send(FlowSendMessageError("WhatsApp Flow body cannot be empty.", status: 400)))
    }

    @Test func handoffPausesAndRunsAgain() async throws {
        let h = Harness(
            flowJSON(
                [node("t", "trigger", #"{"keyword":"agente"}"#), node("h", "handoff", #"{"queue":"ventas","note":"Cliente {{input}}"}"#), node("e", "end")],
                [edge("e1", "t", "h"), edge("e2", "h", "e")]))
        let first = try await h.send("agente")
        #expect(first.result == .paused(nodeId: "h"))
        #expect(await h.context()["handoffQueue"] == "ventas")
        #expect(await h.context()["handoffNote"] == "Cliente agente")
        let second = try await h.send("hola?")
        #expect(second.result == .paused(nodeId: "h"))
        #expect(await h.context()["handoffNote"] == "Cliente hola?")
        #expect(await h.context()["messageCount"] == 2)
    }

    @Test func gotoAndEnd() async throws {
        let h = Harness(
            flowJSON(
                [
                    node("t", "trigger", #"{"keyword":"hola"}"#), node("g", "goto", #"{"targetNodeId":"e"}"#), node("x", "message", #"{"text":"skipped"}"#),
                    node("e", "end", #"{"reason":7}"#),
                ],
                [edge("e1", "t", "g"), edge("e2", "g", "x")]))
        let outcome = try await h.send("hola")
        #expect(outcome.result == .completed)
        #expect(h.sender.sent.isEmpty)
        #expect(await h.context()["endReason"] == 7)

        let numeric = Harness(
            flowJSON([node("t", "trigger", #"{"keyword":"hola"}"#), node("g", "goto", #"{"targetNodeId":5}"#), node("5", "end")], [edge("e1", "t", "g")]))
        #expect(try await numeric.send("hola").result == .errored(reason: "Next node 5 not found"))
    }
}
