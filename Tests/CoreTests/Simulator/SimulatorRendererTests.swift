import Foundation
import Testing

@testable import FCBSimulator
@testable import FlowEngine

@Suite("Simulator rendering")
struct SimulatorRendererTests {
    @Test func text() {
        #expect(SimulatorRenderer.message(.text(body: "Hola\nqué tal")) == ["bot: Hola", "     qué tal"])
        #expect(SimulatorRenderer.message(.text(body: "")) == ["bot: (empty text message)"])
    }

    @Test func buttons() {
        let message = OutboundMessage.buttons(body: "¿Seguimos?", buttons: [.init(id: "si", title: "Sí"), .init(id: "no", title: "No")])
        #expect(SimulatorRenderer.message(message) == ["bot: ¿Seguimos?", "       [1] Sí", "       [2] No"])
    }

    @Test func list() {
        let message = OutboundMessage.list(
            body: "Elegí un tema", button: "Ver temas",
            sections: [
                .init(title: "Info", rows: [.init(id: "a", title: "Horarios", description: "de 8 a 18"), .init(id: "b", title: "Envíos")]),
                .init(rows: [.init(id: "c", title: "Pagos")]),
            ])
        #expect(
            SimulatorRenderer.message(message) == [
                "bot: Elegí un tema", "       ☰ Ver temas", "       — Info", "       [1] Horarios — de 8 a 18", "       [2] Envíos", "       [3] Pagos",
            ])
    }

    @Test func media() {
        #expect(
            SimulatorRenderer.message(.media(.init(kind: .image, url: "https://x.test/a.jpg", caption: "Mirá"))) == [
                "bot: [image] https://x.test/a.jpg — Mirá"
            ])
        #expect(SimulatorRenderer.message(.media(.init(kind: .document, id: "123", filename: "precios.pdf"))) == ["bot: [document] media id 123 (precios.pdf)"])
        #expect(SimulatorRenderer.message(.media(.init(kind: .audio, url: "https://x.test/a.ogg"))) == ["bot: [audio] https://x.test/a.ogg"])
    }

    @Test func template() {
        let message = OutboundMessage.template(
            .init(
                name: "confirmacion_lead", language: "es_AR",
                components: [
                    .init(type: "body", parameters: ["Ada", "24"]), .init(type: "button", subType: "url", index: 0, parameters: ["abc"]),
                    .init(type: "header", parameters: []),
                ]))
        #expect(
            SimulatorRenderer.message(message) == [
                "bot: [template confirmacion_lead (es_AR)]", "       body: {{1}}=Ada, {{2}}=24", "       button url #0: {{1}}=abc",
                "       header: (no parameters)",
            ])
    }

    @Test func whatsAppFlowSentAndRecorded() {
        let sent = OutboundMessage.flow(.init(flowId: "1234", flowToken: "t", cta: "Reservar", header: "Turnos", body: "Elegí día\ny hora", footer: "Gratis"))
        #expect(
            SimulatorRenderer.message(sent) == [
                "bot: ┌ WhatsApp Flow 1234", "     │ *Turnos*", "     │ Elegí día", "     │ y hora", "     │ _Gratis_", "     └ [ Reservar ]",
            ])
        let recorded = SimulatorRenderer.render(.flowRecorded(header: nil, body: "Completá el formulario", footer: nil, cta: "Abrir"))
        #expect(
            recorded.map(\.text) == [
                "⚠ WhatsApp Flow not sent: flow not synced with Meta (recorded in context.pendingWhatsAppFlow)", "  │ Completá el formulario",
                "  └ [ Abrir ]",
            ])
        #expect(recorded.allSatisfy { $0.kind == .event })
    }

    @Test func eventsByDefaultAndVerbose() {
        let events: [FlowRunEvent] = [
            .triggerMatched(nodeId: "t", keyword: "hola"), .node(id: "t", type: .trigger), .assigned(key: "lead.origen", value: "wa"),
            .condition(expression: "context.x > 1", result: false, error: nil), .delayed(milliseconds: 5000),
            .apiCall(method: "GET", url: "https://x.test/o/1", status: 200, error: nil),
            .apiCall(method: "POST", url: "https://x.test/o", status: nil, error: "timed out"), .handoff(queue: "ventas", note: "Cliente Ada"),
            .ended(reason: "resuelto"),
        ]
        let plain = SimulatorRenderer.render(events: events, result: .completed)
        #expect(
            plain.map(\.text) == [
                "⏱ 5s", "→ GET https://x.test/o/1 ← 200", "→ POST https://x.test/o ✖ timed out (the flow gets {\"error\":\"API call failed\"})",
                "🤝 handed off to queue ventas — note: Cliente Ada", "⏸ waiting for an agent: the session stays Paused here", "🏁 ended (resuelto)",
            ])
        let verbose = SimulatorRenderer.render(events: events, result: .completed, flowName: "menu", options: .init(verbose: true))
        #expect(
            Array(verbose.map(\.text).prefix(5)) == [
                "· flow menu", "· trigger \"hola\" (t)", "· node t (trigger)", "· set lead.origen = \"wa\"", "· condition context.x > 1 → false",
            ])
        #expect(verbose.prefix(5).allSatisfy { $0.kind == .trace })
    }

    @Test func results() {
        #expect(SimulatorRenderer.render(events: [], result: .noTrigger).map(\.text) == ["∅ no flow matched your message"])
        #expect(SimulatorRenderer.render(events: [], result: .completed).map(\.text) == ["🏁 completed (no next node)"])
        let guarded = SimulatorRenderer.render(events: [.stopped(reason: "Guard limit reached")], result: .errored(reason: "Guard limit reached"))
        #expect(guarded == [SimulatorLine(.error, "✖ stopped: Guard limit reached (session Errored)")])
        #expect(
            SimulatorRenderer.render(.sendFailed(.text(body: "x"), error: "(#131047) Re-engagement message")) == [
                SimulatorLine(.error, "✖ send failed (text): (#131047) Re-engagement message")
            ])
        #expect(SimulatorRenderer.render(.optionsRepeated(nodeId: "menu")).first?.text.hasPrefix("↻ no option matched") == true)
        #expect(SimulatorRenderer.render(.ended(reason: ["code": 3])).map(\.text) == ["🏁 ended ({\"code\":3})"])
    }

    @Test func payloadsOnlyWhenAsked() {
        let event = FlowRunEvent.sent(.text(body: "Hola"), messageId: "wamid.SIM000001")
        let payload: JSONValue = ["to": "549", "type": "text", "text": ["body": "Hola"], "messaging_product": "whatsapp"]
        #expect(SimulatorRenderer.render(event, payloads: ["wamid.SIM000001": payload]).map(\.text) == ["bot: Hola"])
        let shown = SimulatorRenderer.render(event, payloads: ["wamid.SIM000001": payload], options: .init(showPayloads: true))
        #expect(shown.last == SimulatorLine(.payload, #"     ⇢ {"to":"549","type":"text","text":{"body":"Hola"},"messaging_product":"whatsapp"}"#))
    }

    @Test func dashboardHistoryView() {
        let context: JSONValue = [
            "_meta": [
                "history": [
                    ["direction": "in", "type": "text", "timestamp": "2026-01-01T00:00:05.000Z", "payload": ["text": "hola", "interactiveId": nil]],
                    [
                        "direction": "out", "type": "media", "timestamp": "2026-01-01T00:00:06.000Z",
                        "payload": ["mediaType": "image", "url": "https://x.test/a.jpg"],
                    ],
                    [
                        "direction": "in", "type": "option-selection", "timestamp": "2026-01-01T00:00:07.000Z",
                        "payload": ["text": "Sí", "interactiveType": "button_reply", "interactiveTitle": "Sí", "interactiveId": "si", "optionIndex": 0],
                    ],
                    ["direction": "sideways", "payload": ["flow": ["body": "x"]]],
                ]
            ]
        ]
        #expect(
            ConversationView.lines(context: context) == [
                "#0 00:00:05 you: hola",
                "#1 00:00:06 bot: https://x.test/a.jpg",
                "                 [mediaType: image · url: https://x.test/a.jpg]",
                "#2 00:00:07 you: Sí",
                "                 [interactiveType: button_reply · interactiveTitle: Sí · interactiveId: si · optionIndex: 0]",
                "#3 --:--:-- system: {\"flow\":{\"body\":\"x\"}}",
                "unread: 1 (incoming messages after the last bot message)",
            ])
        let long = JSONValue.object(["data": .string(String(repeating: "x", count: 400))])
        let shown = ConversationView.displayText(long)
        #expect(shown.hasSuffix("...") && shown.utf16.count == 280)
    }
}
