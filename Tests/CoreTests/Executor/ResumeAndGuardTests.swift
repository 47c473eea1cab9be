import Foundation
import Testing

@testable import FlowEngine

@Suite("executor: triggers, resume, status transitions, guards")
struct ResumeAndGuardTests {
    static let menu = flowJSON(
        [
            node("t", "trigger", #"{"keyword":"promoção"}"#), node("t2", "trigger", #"{"keyword":"default"}"#),
            node("o", "options", #"{"text":"¿Qué querés?","options":["Ver catálogo","Hablar con alguien","Consultar estado del pedido"]}"#),
            node("a", "message", #"{"text":"catálogo"}"#), node("b", "message", #"{"text":"humano"}"#), node("c", "message", #"{"text":"estado"}"#),
            node("nm", "message", #"{"text":"no entendí"}"#),
        ],
        [
            edge("e1", "t", "o"), edge("e2", "o", "a", handle: "opt-0"), edge("e3", "o", "b", handle: "opt-1"), edge("e4", "o", "c", handle: "opt-2"),
            edge("e5", "o", "nm", handle: "no-match"), edge("e6", "t2", "a"),
        ])

    func reply(_ text: String?, interactive: InboundMessage.Interactive? = nil) async throws -> (String?, Harness) {
        let h = Harness(Self.menu)
        try await h.send("PROMOCAO!")
        #expect(await h.storedSession()?.status == "Paused")
        try await h.send(text, interactive: interactive)
        if case .text(let body)? = h.sender.sent.last { return (body, h) }
        return (nil, h)
    }

    @Test func triggerMatching() async throws {
        let h = Harness(Self.menu)
        let outcome = try await h.send("Quiero la promocao de hoy")
        #expect(outcome.events.first == .triggerMatched(nodeId: "t", keyword: "promocao"))
        let fallback = Harness(Self.menu)
        #expect(try await fallback.send("cualquier cosa").events.first == .triggerMatched(nodeId: "t2", keyword: "default"))
        // Substring semantics: "hola" matches "holanda".
        let sub = Harness(flowJSON([node("t", "trigger", #"{"keyword":"hola"}"#)]))
        #expect(try await sub.send("Holanda").events.first == .triggerMatched(nodeId: "t", keyword: "hola"))
    }

    @Test func noTriggerWritesNothing() async throws {
        let h = Harness(flowJSON([node("t", "trigger", #"{"keyword":"hola"}"#), node("x", "trigger", #"{"keyword":"  "}"#)]))
        let before = try await h.session(context: ["keep": true])
        let outcome = try await h.send("chau")
        #expect(outcome.result == .noTrigger)
        #expect(await h.storedSession() == before)  // untouched (docs/compatibility.md#where-a-run-starts, B)
        #expect(try await h.send(nil).result == .noTrigger)
    }

    @Test(
        arguments: [
            ("Hablar con alguien", nil, "humano"), ("  hablar CON alguién ", nil, "humano"), ("2", nil, "humano"), ("3", nil, "estado"),
            ("Consultar estado de…", nil, "estado"),
            ("x", InboundMessage.Interactive(type: "button_reply", id: "hablar_con_alguien", title: "Hablar con alguien"), "humano"),
            ("x", InboundMessage.Interactive(type: "button_reply", id: "opt-2", title: nil), "estado"),
            ("x", InboundMessage.Interactive(type: "button_reply", id: "VER_CATÁLOGO", title: nil), "catálogo"),
            ("4", nil, "no entendí"), ("0", nil, "no entendí"), ("ver", nil, "no entendí"),
        ] as [(String, InboundMessage.Interactive?, String)])
    func optionsResume(text: String, interactive: InboundMessage.Interactive?, expected: String) async throws {
        let (body, _) = try await reply(text, interactive: interactive)
        #expect(body == expected)
    }

    @Test func noMatchWithoutEdgeRepromptsAndStaysPaused() async throws {
        let h = Harness(
            flowJSON(
                [
                    node("t", "trigger", #"{"keyword":"hola"}"#), node("o", "options", #"{"text":"¿Sí o no?","options":["Sí","No"]}"#),
                    node("a", "message", #"{"text":"ok"}"#),
                ],
                [edge("e1", "t", "o"), edge("e2", "o", "a", handle: "opt-0")]))
        try await h.send("hola")
        let outcome = try await h.send("quizás")
        #expect(outcome.result == .paused(nodeId: "o"))
        #expect(outcome.events.contains(.optionsRepeated(nodeId: "o")))
        #expect(h.sender.sent.count == 2)
        #expect(h.sender.sent[0] == h.sender.sent[1])
        let session = try #require(await h.storedSession())
        #expect(session.status == "Paused" && session.currentNodeId == "o")
        #expect(session.context?["lastSelectedOption"] == .null)
        #expect(session.context?["lastOptionMatched"] == false)
        #expect(session.context?["messageCount"] == 2)
        // Option 2 has no edge either: same re-prompt; option 1 continues.
        #expect(try await h.send("no").result == .paused(nodeId: "o"))
        #expect(try await h.send("si").result == .completed)
    }

    @Test func pausedNodeMissingErrors() async throws {
        let h = Harness(flowJSON([node("t", "trigger", #"{"keyword":"hola"}"#)]))
        _ = try await h.session(status: "Paused", node: "gone", context: ["a": 1])
        let outcome = try await h.send("hola")
        #expect(outcome.result == .errored(reason: "paused node 'gone' is not in the flow"))
        let session = try #require(await h.storedSession())
        #expect(session.status == "Errored" && session.currentNodeId == "gone")
        #expect(session.context == ["a": 1])  // no inbound recorded (docs/compatibility.md#where-a-run-starts, A.1)
    }

    @Test func resumeTargetMissingErrors() async throws {
        let h = Harness(
            flowJSON(
                [node("t", "trigger", #"{"keyword":"hola"}"#), node("o", "options", #"{"text":"?","options":["a","b"]}"#)],
                [edge("e1", "t", "o"), edge("e2", "o", "zzz", handle: "opt-0")]))
        try await h.send("hola")
        #expect(try await h.send("a").result == .errored(reason: "next node 'zzz' not found (resume)"))
        #expect(await h.storedSession()?.status == "Errored")
    }

    @Test func pausedWithoutNodeGoesThroughTriggers() async throws {
        let h = Harness(flowJSON([node("t", "trigger", #"{"keyword":"hola"}"#), node("m", "message", #"{"text":"hi"}"#)], [edge("e1", "t", "m")]))
        _ = try await h.session(status: "Paused", node: nil)
        #expect(try await h.send("hola").result == .completed)
    }

    @Test func stepGuardStopsLongCycles() async throws {
        // A 6-node cycle escapes the tight-loop guard; only the 500-step guard stops it.
        let ids = (0..<6).map { "n\($0)" }
        let nodes = [node("t", "trigger", #"{"keyword":"loop"}"#)] + ids.map { node($0, "assign", #"{"key":"k","value":"{{k}}x"}"#) }
        let edges = [edge("e", "t", "n0")] + (0..<6).map { edge("c\($0)", "n\($0)", "n\(($0 + 1) % 6)") }
        let h = Harness(flowJSON(nodes, edges))
        let outcome = try await h.send("loop")
        #expect(outcome.result == .errored(reason: "Guard limit reached - possible infinite loop"))
        #expect(outcome.steps == 501)
        #expect(await h.storedSession()?.status == "Errored")
        #expect(await h.context()["k"]?.stringValue?.count == 500)
    }

    @Test func tightLoopGuard() async throws {
        let h = Harness(
            flowJSON(
                [node("t", "trigger", #"{"keyword":"loop"}"#), node("a", "message", #"{"text":"spam"}"#), node("g", "goto", #"{"targetNodeId":"a"}"#)],
                [edge("e1", "t", "a"), edge("e2", "a", "g")]))
        let outcome = try await h.send("loop")
        // Visits: t a g a g a g a g a g — the 11th visit (g) sees g 5 times in the last 10.
        #expect(outcome.result == .errored(reason: "Tight loop detected at node g"))
        #expect(h.sender.sent.count == 5)
        #expect(outcome.steps == 11)
    }

    @Test func unknownNextNodeErrors() async throws {
        let h = Harness(flowJSON([node("t", "trigger", #"{"keyword":"hola"}"#)], [edge("e1", "t", "nowhere")]))
        #expect(try await h.send("hola").result == .errored(reason: "Next node nowhere not found"))
    }

    @Test func definitionErrorsWriteNothing() async throws {
        let h = Harness(#"{"nodes":[{"id":"a","type":"carousel"}]}"#)
        let before = try await h.session()
        let error = try await h.sendExpectingError("hola")
        guard case .invalidDefinition? = error else {
            Issue.record("expected invalidDefinition, got \(String(describing: error))")
            return
        }
        #expect(await h.storedSession() == before)
    }
}
