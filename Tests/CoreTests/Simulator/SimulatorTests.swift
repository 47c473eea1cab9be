import Foundation
import Testing

@testable import FCBSimulator
@testable import FlowEngine

/// Builds simulators from example files or inline flow JSON.
enum SimFixture {
    static func simulator(
        _ flows: [String], settings: (inout SimulatorSettings) -> Void = { _ in }, api: any APIClient = RefusingAPIClient()
    )
        async throws -> Simulator
    {
        var configuration = try SimulatorSetup.configuration(SimulatorOptions(flowPaths: flows.map(SimRepo.path)))
        settings(&configuration.settings)
        configuration.api = api
        return try await Simulator(configuration: configuration)
    }

    static func inline(
        _ json: String, settings change: (inout SimulatorSettings) -> Void = { _ in }, api: any APIClient = RefusingAPIClient()
    )
        async throws -> Simulator
    {
        let flow = try SimulatorFlowLoader.load(path: "inline.json", bytes: Array(json.utf8))
        var settings = SimulatorSettings()
        change(&settings)
        return try await Simulator(configuration: SimulatorConfiguration(flows: [flow], settings: settings, api: api))
    }

    static func texts(_ reply: Simulator.Reply) -> [String] { reply.lines.map(\.text) }
}

extension Simulator {
    /// The contact's sessions, oldest first, through the store protocol (memory or `--db`).
    func sessions() async throws -> [SessionRecord] { try await store.sessions(contactId: contact.id) }
    /// The contact's Message rows, oldest first.
    func messages() async throws -> [MessageRecord] { try await store.messages(contactId: contact.id) }
}

@Suite("Simulator behaviour")
struct SimulatorTests {
    @Test func contextErrorsAreClear() throws {
        #expect(throws: SimulatorError("--context must be a JSON object such as '{\"contact_name\":\"Ada\"}', not an array")) {
            try SimulatorContext.parse("[1]")
        }
        #expect(throws: SimulatorError("--context must be a JSON object such as '{\"contact_name\":\"Ada\"}', not null")) {
            try SimulatorContext.parse("null")
        }
        do {
            _ = try SimulatorContext.parse(#"{"contact_name": Ada}"#)
            Issue.record("accepted invalid JSON")
        } catch {
            #expect(error.message.hasPrefix("--context is not valid JSON ("))
            #expect(error.message.contains("at column 18"))
        }
        #expect(try SimulatorContext.parse(#"{"a":{"b":1}}"#) == ["a": ["b": 1]])
        let options = SimulatorOptions(flowPaths: [SimRepo.path("examples/flows/seed-options.json")], context: "42")
        #expect(throws: SimulatorError.self) { try SimulatorSetup.configuration(options) }
    }

    @Test func setupErrors() throws {
        let seed = SimRepo.path("examples/flows/seed-options.json")
        #expect(try SimulatorSetup.configuration(SimulatorOptions(flowPaths: [seed], db: "x.sqlite")).database == "x.sqlite")
        #expect(try SimulatorSetup.configuration(SimulatorOptions(flowPaths: [seed])).database == nil)
        #expect(throws: SimulatorError.self) { try SimulatorSetup.configuration(SimulatorOptions(flowPaths: [seed], from: "n/a")) }
        #expect(try SimulatorSetup.configuration(SimulatorOptions(flowPaths: [seed], from: "+54 9 11 5555-0000")).settings.from == "5491155550000")
        #expect(throws: SimulatorError.self) { try SimulatorSetup.configuration(SimulatorOptions(flowPaths: [])) }
        #expect(throws: SimulatorError.self) { try SimulatorSetup.configuration(SimulatorOptions(flowPaths: ["-"])) }
        do {
            _ = try SimulatorSetup.configuration(SimulatorOptions(flowPaths: [SimRepo.path("examples/flows/broken-flow.json")]))
            Issue.record("broken flow accepted")
        } catch {
            #expect(error.message.hasPrefix("cannot load flow "))
            #expect(error.message.contains("broken-flow.json:188:15: error: Invalid option: expected one of"))
            #expect(error.message.contains("[flow-shape]"))
        }
        do {
            _ = try SimulatorSetup.configuration(SimulatorOptions(flowPaths: ["does/not/exist.json"]))
            Issue.record("missing file accepted")
        } catch {
            #expect(error.message == "does/not/exist.json: no such file or directory")
        }
    }

    @Test func flowRecordsFollowTheFiles() throws {
        let flows = try SimulatorFlowLoader.load(paths: [SimRepo.path("examples/flows/soporte-menu.json"), SimRepo.path("examples/flows/seed-options.json")])
        #expect(flows.map(\.name) == ["soporte-menu", "seed-options"])
        #expect(flows.map(\.trigger) == ["soporte", "Hola"])
        let untriggered = try SimulatorFlowLoader.load(path: "x.json", bytes: Array(#"{"nodes":[],"edges":[]}"#.utf8))
        #expect(untriggered.trigger == "default")
    }

    @Test func typedNumberIsSentAsAnInteractiveReply() async throws {
        let simulator = try await SimFixture.simulator(["examples/flows/soporte-menu.json"])
        _ = await simulator.send("soporte")
        let reply = await simulator.send("2")
        #expect(reply.recorded)
        #expect(SimFixture.texts(reply).first == "bot: 🚚 *Envíos*")
        let session = try #require(try await simulator.sessions().first)
        #expect(session.context?["lastInteractiveType"] == "list_reply")
        #expect(session.context?["lastInteractiveId"] == "envíos_a_domicilio")
        #expect(session.context?["lastSelectedOptionIndex"] == 1)
        // The next menu has buttons: the title selects too, as a button reply.
        _ = await simulator.send("VOLVER AL MENU")
        let after = try #require(try await simulator.sessions().first)
        #expect(after.context?["lastInteractiveType"] == "button_reply")
        #expect(after.currentNodeId == "menu")
        // /text never maps to a choice.
        _ = await simulator.send("/text 1")
        let typed = try #require(try await simulator.sessions().first)
        #expect(typed.context?["lastInteractiveType"] == .null)
        #expect(typed.context?["lastSelectedOptionIndex"] == 0)
    }

    @Test func clickNeedsChoices() async throws {
        let simulator = try await SimFixture.simulator(["examples/flows/seed-options.json"])
        #expect(SimFixture.texts(await simulator.send("/click 1")) == ["✖ the last bot message has no buttons or list rows to click"])
        _ = await simulator.send("Hola")
        #expect(SimFixture.texts(await simulator.send("/click 3")) == ["✖ there is no option 3: the last bot message has options 1–2"])
        #expect(SimFixture.texts(await simulator.send("/click 2")) == ["bot: You chose option 2", "🏁 ended (completed)"])
    }

    @Test func contextSeedsEveryNewSession() async throws {
        let simulator = try await SimFixture.simulator(["examples/flows/handoff-humano.json"]) { $0.context = ["contact_name": "Ada"] }
        _ = await simulator.send("agente")
        let handoff = await simulator.send("1")
        #expect(SimFixture.texts(handoff).contains("🤝 handed off to queue ventas — note: Cliente Ada pidió un agente"))
        _ = await simulator.send("/reset")
        _ = await simulator.send("humano")
        let again = await simulator.send("Sí")
        #expect(SimFixture.texts(again).contains("🤝 handed off to queue ventas — note: Cliente Ada pidió un agente"))
        let vars = SimFixture.texts(await simulator.send("/vars")).joined(separator: "\n")
        #expect(vars.contains("\"contact_name\": \"Ada\""))
        #expect(vars.contains("\"history\": \"… 4 entries (/vars all or /history shows them)\""))
        #expect(SimFixture.texts(await simulator.send("/vars all")).joined(separator: "\n").contains("\"direction\": \"out\""))
    }

    @Test func advanceMovesTheVirtualClockAndTimesOutSessions() async throws {
        let simulator = try await SimFixture.simulator(["examples/flows/soporte-menu.json"])
        let start = await simulator.now()
        _ = await simulator.send("soporte")
        let advanced = SimFixture.texts(await simulator.send("/advance 2h"))
        #expect(advanced == ["⏩ +2h → 2026-01-01T02:00:00.000Z", "   session soporte-menu idle 2h of 24h before it times out"])
        #expect(await simulator.now().timeIntervalSince(start) == 7200)
        _ = await simulator.send("/advance 23h")
        let reply = SimFixture.texts(await simulator.send("2"))
        #expect(reply.first == "⌛ session soporte-menu idle for 25h: completed with endReason \"timeout\"; this message starts over")
        // "2" is no trigger, so the default trigger starts the flow again instead of choosing "Envíos".
        #expect(reply.dropFirst().first == "bot: ¡Hola! 👋 Soy el asistente virtual de *Ferretería El Tornillo*.")
    }

    @Test func delaysAreVirtualAndRealTimeRefusesAdvance() async throws {
        let simulator = try await SimFixture.simulator(["examples/flows/lead-capture.json"])
        _ = await simulator.send("info")
        let reply = SimFixture.texts(await simulator.send("1"))
        #expect(reply.contains("⏱ 3s"))
        #expect(await simulator.now() == SimulatorSettings.defaultClockStart.addingTimeInterval(3))

        let wall = try await SimFixture.simulator(["examples/flows/seed-options.json"]) { $0.realTime = true }
        let refused = await wall.send("/advance 1h")
        #expect(refused.lines == [SimulatorLine(.notice, "the clock is the wall clock (--real-time): /advance and /timeout need the virtual clock")])
    }

    @Test func severalFlowsUseServesSelection() async throws {
        let simulator = try await SimFixture.simulator(["examples/flows/soporte-menu.json", "examples/flows/seed-options.json"]) { $0.verbose = true }
        let hola = SimFixture.texts(await simulator.send("Hola"))
        #expect(hola.first == "· flow seed-options")
        _ = await simulator.send("/reset")
        // No keyword matches: the most recently saved flow (listed last) is chosen; it has no default trigger.
        #expect(SimFixture.texts(await simulator.send("qué tal")).suffix(1) == ["∅ no flow matched your message"])
        _ = await simulator.send("/reset")
        #expect(SimFixture.texts(await simulator.send("necesito soporte")).first == "· flow soporte-menu")
    }

    @Test func flowErrorsAreShownNotThrown() async throws {
        let flow = """
            {"nodes":[
              {"id":"t","type":"trigger","data":{"keyword":"hola"}},
              {"id":"m","type":"message","data":{"text":"Antes del error"}},
              {"id":"f","type":"whatsapp_flow","data":{"body":"Completá el formulario","cta":"Abrir"}},
              {"id":"bad","type":"message","data":{"useTemplate":true,"templateName":""}}
            ],"edges":[
              {"id":"e1","source":"t","target":"m"},{"id":"e2","source":"m","target":"f"},{"id":"e3","source":"f","target":"bad"}
            ]}
            """
        let simulator = try await SimFixture.inline(flow)
        let reply = await simulator.send("hola")
        #expect(
            SimFixture.texts(reply) == [
                "bot: Antes del error",
                "✖ flow error: FlowSendMessageError: Missing template name or language for WhatsApp template message (status 400) (session Errored)",
            ])
        #expect(reply.lines.last?.kind == .error)
        #expect(try await simulator.sessions().first?.status == "Errored")
        #expect(SimFixture.texts(await simulator.send("/node")).dropFirst().first?.hasPrefix("session: Errored") == true)
    }

    @Test func aMessageMetaWouldRejectFailsLikeAGraphError() async throws {
        // A blank media URL passes the executor but the Cloud API renderer refuses it, as serve's sender would.
        let flow = """
            {"nodes":[
              {"id":"t","type":"trigger","data":{"keyword":"foto"}},
              {"id":"m","type":"message","data":{"text":"Ahí va"}},
              {"id":"img","type":"media","data":{"mediaType":"image","url":"   "}}
            ],"edges":[{"id":"e1","source":"t","target":"m"},{"id":"e2","source":"m","target":"img"}]}
            """
        let simulator = try await SimFixture.inline(flow) { $0.showPayloads = true }
        let reply = await simulator.send("foto")
        #expect(
            SimFixture.texts(reply) == [
                "bot: Ahí va",
                #"     ⇢ {"to":"5491100000000","type":"text","text":{"body":"Ahí va"},"messaging_product":"whatsapp"}"#,
                "✖ send failed (image): Media message must have either an id or a url",
                "✖ flow error: FlowSendMessageError: Media message must have either an id or a url (status 400) (session Errored)",
            ])
        let failed = try await simulator.messages().filter { $0.status == "Failed" }
        #expect(failed.count == 1)
    }

    @Test func recordedWhatsAppFlow() async throws {
        let flow = """
            {"nodes":[
              {"id":"t","type":"trigger","data":{"keyword":"hola"}},
              {"id":"f","type":"whatsapp_flow","data":{"header":"Turnos","body":"Completá el formulario","cta":"Abrir"}},
              {"id":"e","type":"end","data":{"reason":"ok"}}
            ],"edges":[{"id":"e1","source":"t","target":"f"},{"id":"e2","source":"f","target":"e"}]}
            """
        let simulator = try await SimFixture.inline(flow)
        #expect(
            SimFixture.texts(await simulator.send("hola")) == [
                "⚠ WhatsApp Flow not sent: flow not synced with Meta (recorded in context.pendingWhatsAppFlow)", "  │ *Turnos*",
                "  │ Completá el formulario", "  └ [ Abrir ]", "🏁 ended (ok)",
            ])
    }

    @Test func mockAPIAnswersFromFixtures() async throws {
        let mock = try MockAPIClient.parse(
            bytes: Array(
                #"""
                [{"method":"get","url":"https://api.test/orders/*","status":200,"body":{"ok":true}},
                 {"urlRegex":"^https://api\\.test/items/[0-9]+$","status":404,"body":"{\"missing\":1}"},
                 {"url":"https://api.test/slow","error":"timeout"},
                 {"url":"https://api.test/text","body":"plain"}]
                """#.utf8), source: "inline")
        #expect(try await mock.perform(APIRequest(method: "GET", url: "https://api.test/orders/12")) == APIResponse(status: 200, body: ["ok": true]))
        #expect(try await mock.perform(APIRequest(method: "DELETE", url: "https://api.test/items/7")) == APIResponse(status: 404, body: ["missing": 1]))
        #expect(try await mock.perform(APIRequest(method: "GET", url: "https://api.test/text")) == APIResponse(status: 200, body: "plain"))
        await #expect(throws: APIClientError.timeout) { try await mock.perform(APIRequest(method: "GET", url: "https://api.test/slow")) }
        await #expect(throws: APIClientError.network("no mock for POST https://api.test/orders/12")) {
            try await mock.perform(APIRequest(method: "POST", url: "https://api.test/orders/12"))
        }
        await #expect(throws: APIClientError.network("no mock for GET https://api.test/items/x")) {
            try await mock.perform(APIRequest(method: "GET", url: "https://api.test/items/x"))
        }
    }

    @Test func mockFixtureErrorsNameTheFixture() {
        func error(_ json: String) -> String? {
            do {
                _ = try MockAPIClient.parse(bytes: Array(json.utf8), source: "m.json")
                return nil
            } catch {
                return error.message
            }
        }
        #expect(error("{}")?.hasPrefix("--mock-api m.json: expected a JSON array") == true)
        #expect(error("[1")?.hasPrefix("--mock-api m.json:1:3: not valid JSON") == true)
        #expect(error(#"[{"status":200}]"#) == #"--mock-api m.json: fixture 1 (/0): needs "url" (with * wildcards) or "urlRegex""#)
        #expect(error(#"[{"url":"x"},{"url":"y","status":99}]"#) == #"--mock-api m.json: fixture 2 (/1): "status" must be an HTTP status code (100–599)"#)
        #expect(error(#"[{"urlRegex":"("}]"#)?.contains("not a valid regular expression") == true)
        #expect(error(#"[{"url":"x","bdy":{}}]"#)?.contains("unknown key \"bdy\"") == true)
    }

    @Test func globMatching() {
        #expect(MockAPIClient.glob("https://a.test/orders/*", matches: "https://a.test/orders/1/items"))
        #expect(MockAPIClient.glob("https://a.test/*/items", matches: "https://a.test/orders/1/items"))
        #expect(!MockAPIClient.glob("https://a.test/*/items", matches: "https://a.test/orders/1/item"))
        #expect(MockAPIClient.glob("*", matches: ""))
        #expect(MockAPIClient.glob("https://a.test/x", matches: "https://a.test/x"))
        #expect(!MockAPIClient.glob("https://a.test/x", matches: "https://a.test/x?y=1"))
        #expect(!MockAPIClient.glob("a*a", matches: "a"))
    }

    @Test func apiCallsInTheConversation() async throws {
        let mock = try MockAPIClient.load(path: SimRepo.path("examples/transcripts/order-status.mock.json"))
        let simulator = try await SimFixture.simulator(["examples/flows/order-status.json"], api: mock)
        _ = await simulator.send("order")
        let reply = SimFixture.texts(await simulator.send("70000"))
        #expect(
            reply.first
                == "→ GET https://api.example-shop.com/orders/70000 ✖ no mock for GET https://api.example-shop.com/orders/70000 (the flow gets {\"error\":\"API call failed\"})"
        )
        #expect(reply.last == "🏁 ended (api-error)")
    }

    @Test func nonConversationInputsAreNotRecorded() async throws {
        let simulator = try await SimFixture.simulator(["examples/flows/seed-options.json"])
        let help = await simulator.send("/help")
        #expect(!help.recorded && help.lines.allSatisfy { $0.kind == .notice })
        let unknown = await simulator.send("/start")
        #expect(!unknown.recorded && unknown.lines.first?.text.hasPrefix("unknown command /start") == true)
        #expect(await simulator.send("/quit").quit)
        _ = await simulator.send("Hola")
        _ = await simulator.send("/node")
        #expect(await simulator.transcript().inputs == ["Hola", "/node"])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fcb-sim-\(UUID().uuidString).transcript").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(SimFixture.texts(await simulator.send("/save \(path)")) == ["saved 2 turns to \(path)"])
        let saved = try Transcript.parse(try String(contentsOfFile: path, encoding: .utf8))
        #expect(saved.inputs == ["Hola", "/node"])
        #expect(saved.from == "5491100000000")
    }

    @Test func sendMediaReachesTheFlow() async throws {
        let simulator = try await SimFixture.simulator(["examples/flows/soporte-menu.json"])
        _ = await simulator.send("soporte")
        let reply = SimFixture.texts(await simulator.send("/send-media document https://x.test/factura.pdf"))
        #expect(reply.first?.hasPrefix("bot: Perdón, no entendí") == true)
        let context = try #require(try await simulator.sessions().first?.context)
        #expect(context["lastUserMessage"] == "factura.pdf")
        let last = try #require(context["_meta"]?["history"]?.arrayValue?.last { $0["direction"] == "in" })
        #expect(last["type"] == "option-selection")
        #expect(last["payload"]?["document"]?["link"] == "https://x.test/factura.pdf")
    }
}
