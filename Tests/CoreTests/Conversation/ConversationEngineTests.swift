import Foundation
import Testing

@testable import FCBStore
@testable import FCBSupport
@testable import FlowEngine

@Suite("best-flow selection (docs/compatibility.md#flow-selection)")
struct FlowSelectorTests {
    func flow(_ id: String, _ trigger: String, updated: Double) -> FlowRecord {
        let date = Date(timeIntervalSince1970: updated)
        return FlowRecord(id: id, name: id, trigger: trigger, createdAt: date, updatedAt: date, userId: "u")
    }

    @Test func scores() {
        #expect(FlowSelector.score(trigger: "hola", text: "Hola", interactiveTitle: nil, interactiveId: nil) == 8)
        #expect(FlowSelector.score(trigger: "hola", text: "hola che", interactiveTitle: nil, interactiveId: nil) == 6)
        #expect(FlowSelector.score(trigger: "promoção", text: "PROMOCAO", interactiveTitle: nil, interactiveId: nil) == 8)
        #expect(FlowSelector.score(trigger: "menu", text: "x", interactiveTitle: "Menu", interactiveId: "menu") == 8)
        #expect(FlowSelector.score(trigger: "default", text: "hola", interactiveTitle: nil, interactiveId: nil) == 1)
        #expect(FlowSelector.score(trigger: "  ", text: "hola", interactiveTitle: nil, interactiveId: nil) == 0)
        #expect(FlowSelector.score(trigger: "chau", text: "hola", interactiveTitle: nil, interactiveId: nil) == 0)
    }

    @Test func selection() {
        // The store lists flows most recently updated first.
        let flows = [flow("new-default", "default", updated: 30), flow("hola-new", "hola", updated: 20), flow("hola-old", "hola", updated: 10)]
        #expect(FlowSelector.best(flows, text: "hola")?.id == "hola-new")  // ties go to the most recent
        #expect(FlowSelector.best(flows, text: "otra cosa")?.id == "new-default")
        #expect(FlowSelector.best([flow("a", "chau", updated: 2), flow("b", "adios", updated: 1)], text: "hola")?.id == "a")
        #expect(FlowSelector.best([], text: "hola") == nil)
    }
}

@Suite("conversation routing (docs/compatibility.md#routing-a-message-to-a-session)")
struct ConversationEngineTests {
    struct Setup {
        let store = InMemoryStore()
        let clock = VirtualClock(start: Date(timeIntervalSince1970: 1_767_225_600))
        let sender = RecordingSender()
        let ids = SequentialIDGenerator()
        let contact = ContactRecord(
            id: "c1", phone: "5491100000000", createdAt: Date(timeIntervalSince1970: 0), updatedAt: Date(timeIntervalSince1970: 0), userId: "u")

        var engine: ConversationEngine {
            let environment = ExecutionEnvironment(clock: clock, ids: ids, sender: sender, api: RefusingAPIClient(), store: store)
            return ConversationEngine(store: store, executor: FlowExecutor(environment: environment), sessionTimeout: 3600)
        }

        func addFlow(_ id: String, trigger: String, status: String = "Active", updated: Double, definition: String) async {
            let date = Date(timeIntervalSince1970: updated)
            await store.saveFlow(
                FlowRecord(
                    id: id, name: id, trigger: trigger, status: status, definition: try? JSONValue(parsing: definition), createdAt: date, updatedAt: date,
                    userId: "u"))
        }

        func send(_ text: String, context: JSONObject? = nil) async throws -> ConversationEngine.Outcome {
            try await engine.handle(userId: "u", contact: contact, inbound: .text(text), initialContext: context)
        }
    }

    static let menu = flowJSON(
        [
            node("t", "trigger", #"{"keyword":"menu"}"#), node("o", "options", #"{"text":"?","options":["a","b"]}"#),
            node("m", "message", #"{"text":"elegiste {{lastSelectedOption}} {{seed}}"}"#),
        ],
        [edge("e1", "t", "o"), edge("e2", "o", "m", handle: "opt-0"), edge("e3", "o", "m", handle: "opt-1")])
    static let hola = flowJSON([node("t", "trigger", #"{"keyword":"hola"}"#), node("m", "message", #"{"text":"hola!"}"#)], [edge("e1", "t", "m")])

    @Test func opensResumesAndRestartsSessions() async throws {
        let s = Setup()
        await s.addFlow("menu", trigger: "menu", updated: 1, definition: Self.menu)
        await s.addFlow("hola", trigger: "hola", updated: 2, definition: Self.hola)
        guard case .ran(let flow, let first) = try await s.send("menu", context: ["seed": "semilla"]) else {
            Issue.record("no run")
            return
        }
        #expect(flow.id == "menu" && first.result == .paused(nodeId: "o"))
        // The paused session captures the next message even though it matches another flow's trigger.
        guard case .ran(let again, let second) = try await s.send("hola") else { return }
        #expect(again.id == "menu" && second.result == .paused(nodeId: "o"))  // "hola" matches no option: re-prompt
        guard case .ran(_, let third) = try await s.send("b") else { return }
        #expect(third.result == .completed)
        #expect(s.sender.sent.last == .text(body: "elegiste b semilla"))
        // Completed: the next message is routed afresh; restarting wipes the context.
        guard case .ran(let menuAgain, _) = try await s.send("menu") else { return }
        #expect(menuAgain.id == "menu")
        let session = try #require(await s.store.session(contactId: "c1", flowId: "menu"))
        #expect(session.context?["seed"] == nil)
        #expect(session.context?["messageCount"] == 1)
    }

    @Test func idleSessionsTimeOutAndInactiveFlowsAreNotResumed() async throws {
        let s = Setup()
        await s.addFlow("menu", trigger: "menu", updated: 1, definition: Self.menu)
        await s.addFlow("hola", trigger: "hola", updated: 2, definition: Self.hola)
        _ = try await s.send("menu")
        s.clock.advance(milliseconds: 3_601_000)
        guard case .ran(let flow, _) = try await s.send("hola") else { return }
        #expect(flow.id == "hola")
        let expired = try #require(await s.store.session(contactId: "c1", flowId: "menu"))
        #expect(expired.status == "Completed" && expired.context?["endReason"] == "timeout" && expired.currentNodeId == nil)

        _ = try await s.send("menu")  // paused again on menu
        await s.addFlow("menu", trigger: "menu", status: "Draft", updated: 3, definition: Self.menu)
        guard case .ran(let routed, _) = try await s.send("hola") else { return }
        #expect(routed.id == "hola")
    }

    @Test func noActiveFlow() async throws {
        let s = Setup()
        await s.addFlow("menu", trigger: "menu", status: "Draft", updated: 1, definition: Self.menu)
        #expect(try await s.send("menu") == .noFlow)
    }
}
