import FCBPipeline
import FCBRealtime
import FCBStore
import FCBSupport
import FCBTesting
import FlowEngine
import Foundation
import Logging
import Testing
import WhatsAppCloud

/// Polls `condition` every 20 ms. The 60 s bound is a hang guard, not a timing check: the full
/// suite can starve the 2-thread cooperative pool for seconds (blocking subprocess waits).
func waitUntil(_ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(60)
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    Issue.record("condition not met within 60 s")
}

/// Signed deliveries through the whole pipeline on every store backend (docs/serve.md).
@Suite("Pipeline: deliveries to rows, sends and events")
struct PipelineFlowTests {
    static let menuFlow = [(name: "Menú", trigger: "hola", definition: TestFlows.menu)]

    @Test("a signed text runs the flow: contact, inbound and outbound rows, session, Log, sends, events", arguments: StoreBackendKind.available)
    func textRunsFlow(kind: StoreBackendKind) async throws {
        try await PipelineHarness.with(kind, flows: Self.menuFlow) { h in
            let response = await h.post(Deliveries.text("hola", id: "wamid.IN1"))
            #expect(response.status == 200)
            #expect(response.bodyText == #"{"success":true}"#)
            try await h.settle()

            let contact = try #require(try await h.contact(phone: "5491155550000"))
            #expect(contact.name == "Lucía")
            #expect(contact.userId == PipelineHarness.tenantId)

            let rows = try await h.store.messages(contactId: contact.id)
            #expect(rows.map(\.direction) == ["inbound", "outbound", "outbound"])
            let inbound = rows[0]
            #expect(inbound.waMessageId == "wamid.IN1")
            #expect(inbound.type == "text")
            #expect(inbound.content == "hola")
            #expect(inbound.status == "Delivered")
            #expect(inbound.payload?.isEquivalent(to: ["type": "text", "text": "hola", "interactive": nil, "media": nil]) == true)
            #expect(inbound.sessionId == nil)
            #expect(rows[1].type == "text")
            #expect(rows[1].content == "¡Hola! ¿En qué te ayudo?")
            #expect(rows[1].status == "Sent")
            #expect(rows[1].waMessageId?.hasPrefix("wamid.FAKE") == true)
            #expect(rows[2].type == "interactive")
            #expect(rows[2].content == "Elegí una opción")
            #expect(rows[2].payload?.isEquivalent(to: ["text": "Elegí una opción", "options": ["Ventas", "Soporte"]]) == true)

            let session = try #require(try await h.store.sessions(contactId: contact.id).first)
            #expect(session.status == "Paused")
            #expect(session.currentNodeId == "o")
            #expect(rows[1].sessionId == session.id)

            let logs = try await h.store.logs(contactId: contact.id)
            #expect(logs.map(\.status) == ["Sent"])
            #expect(logs.first?.flowId == session.flowId)

            let sends = await h.fake.messageRequests(phoneNumberId: PipelineHarness.phoneNumberId)
            #expect(sends.count == 2)
            #expect(
                sends.first?.bodyText
                    == #"{"to":"5491155550000","type":"text","text":{"body":"¡Hola! ¿En qué te ayudo?"},"messaging_product":"whatsapp"}"#)
            #expect(sends.allSatisfy { $0.headers.contains { $0.name.lowercased() == "authorization" && $0.value == "Bearer EAAG-test" } })

            try await waitUntil { h.events.all.count >= 5 }
            let names = h.events.all.map(\.name)
            #expect(names == ["message:new", "typing:start", "message:new", "message:new", "typing:stop"])
            if case .messageNew(let first)? = h.events.all.first { #expect(first.id == inbound.id) }
            #expect(h.events.all.allSatisfy { $0.contactId == contact.id && $0.userId == PipelineHarness.tenantId })
        }
    }

    @Test("a redelivered message is stored once and answered once", arguments: StoreBackendKind.available)
    func duplicateDelivery(kind: StoreBackendKind) async throws {
        try await PipelineHarness.with(kind, flows: Self.menuFlow) { h in
            let body = Deliveries.text("hola", id: "wamid.DUP")
            #expect(await h.post(body).status == 200)
            try await h.settle()
            #expect(await h.post(body).status == 200)
            #expect(await h.post(body).status == 200)
            try await h.settle()
            #expect(await h.fake.messageRequests().count == 2)
            let contact = try #require(try await h.contact(phone: "5491155550000"))
            #expect(try await h.store.messages(contactId: contact.id).filter { $0.direction == "inbound" }.count == 1)
            #expect(try await h.store.logs(contactId: contact.id).count == 1)
        }
    }

    @Test("an option reply resumes the paused session", arguments: StoreBackendKind.available)
    func optionReply(kind: StoreBackendKind) async throws {
        try await PipelineHarness.with(kind, flows: Self.menuFlow) { h in
            #expect(await h.post(Deliveries.text("hola", id: "wamid.R1")).status == 200)
            #expect(await h.post(Deliveries.text("2", id: "wamid.R2")).status == 200)
            try await h.settle()
            #expect(await h.sentTexts() == ["¡Hola! ¿En qué te ayudo?", "Elegí una opción", "Te paso con soporte"])
            let contact = try #require(try await h.contact(phone: "5491155550000"))
            let session = try #require(try await h.store.sessions(contactId: contact.id).first)
            #expect(session.status == "Completed")
            #expect(try await h.store.logs(contactId: contact.id).map(\.status) == ["Sent", "Completed"])
        }
    }

    @Test("one contact strictly in order, two contacts both served", arguments: StoreBackendKind.available)
    func ordering(kind: StoreBackendKind) async throws {
        try await PipelineHarness.with(kind, flows: [(name: "Eco", trigger: "default", definition: TestFlows.echo)], workers: 4) { h in
            for i in 0..<8 {
                #expect(await h.post(Deliveries.text("a\(i)", from: "5491100000001", id: "wamid.A\(i)")).status == 200)
                #expect(await h.post(Deliveries.text("b\(i)", from: "5491100000002", id: "wamid.B\(i)")).status == 200)
            }
            try await h.settle()
            #expect(await h.sentTexts(to: "5491100000001") == (0..<8).map { "eco: a\($0)" })
            #expect(await h.sentTexts(to: "5491100000002") == (0..<8).map { "eco: b\($0)" })
            // Never two sends to one contact in flight at once.
            #expect(await h.fake.messageRequests().allSatisfy { $0.inFlightForRecipient == 0 })
        }
    }

    @Test("with 0 workers an instance only accepts: another pool on the same store processes", arguments: StoreBackendKind.available)
    func acceptOnlyInstance(kind: StoreBackendKind) async throws {
        try await PipelineHarness.with(kind, flows: [(name: "Eco", trigger: "default", definition: TestFlows.echo)], workers: 0) { h in
            for i in 0..<3 {
                #expect(await h.post(Deliveries.text("m\(i)", id: "wamid.ACC\(i)")).status == 200)
            }
            h.pipeline.workers.wake()
            #expect(try await h.store.inboxCounts()[.pending] == 3)

            var logger = Logger(label: "fcb.test")
            logger.logLevel = .critical
            let sender = GraphAPISender(configuration: GraphAPIConfiguration(baseURL: h.fake.url), credentials: StoreCredentialsSource(store: h.store))
            let processorBus = EventBus()
            let processorEvents = EventRecorder(bus: processorBus)
            let processor = Pipeline(
                store: h.store, settings: .init(workers: .init(workers: 2, instance: "processor", pollInterval: .milliseconds(20))),
                sender: sender, api: RefusingAPIClient(), events: processorBus, logger: logger)
            let running = Task { try await processor.workers.run() }
            defer { running.cancel() }
            let deadline = ContinuousClock.now + .seconds(60)  // a hang guard
            while try await h.store.inboxCounts()[.done] != 3, ContinuousClock.now < deadline {
                processor.workers.wake()
                try await Task.sleep(for: .milliseconds(20))
            }
            processor.workers.stop()
            _ = try? await running.value
            await sender.shutdown()
            #expect(await h.sentTexts() == ["eco: m0", "eco: m1", "eco: m2"])
            // Every event came from the processing instance; the accepting one published none.
            while processorEvents.named("message:new").count < 6, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
            #expect(processorEvents.named("message:new").count == 6)
            #expect(h.events.all.isEmpty)
            processorEvents.stop()
        }
    }

    @Test("statuses are monotonic: read then a late delivered stays Read", arguments: StoreBackendKind.available)
    func monotonicStatuses(kind: StoreBackendKind) async throws {
        try await PipelineHarness.with(kind, flows: Self.menuFlow) { h in
            #expect(await h.post(Deliveries.text("hola", id: "wamid.S1")).status == 200)
            try await h.settle()
            let contact = try #require(try await h.contact(phone: "5491155550000"))
            let sent = try #require(try await h.store.messages(contactId: contact.id).first { $0.direction == "outbound" })
            let wamid = try #require(sent.waMessageId)
            #expect(await h.post(Deliveries.status("read", id: wamid, timestamp: "1767225700")).status == 200)
            try await h.settle()
            #expect(await h.post(Deliveries.status("delivered", id: wamid, timestamp: "1767225690")).status == 200)
            try await h.settle()
            let row = try #require(try await h.store.message(id: sent.id))
            #expect(row.status == "Read")
            #expect(row.statusUpdatedAt == Date(timeIntervalSince1970: 1_767_225_700))
            try await waitUntil { h.events.named("message:status").count >= 1 }
            let statusEvents = h.events.named("message:status")
            #expect(statusEvents.count == 1)
            #expect(
                statusEvents.first?.payload == [
                    "messageId": .string(sent.id), "waMessageId": .string(wamid), "status": "Read", "contactId": .string(contact.id),
                ])
        }
    }

    @Test("a phone owned by another tenant parks the message instead of failing the delivery", arguments: StoreBackendKind.available)
    func crossTenantPhone(kind: StoreBackendKind) async throws {
        try await PipelineHarness.with(kind, flows: Self.menuFlow) { h in
            let now = h.clock.now()
            try await h.store.insertUser(UserRecord(id: "cother00000000000000000001", email: "other@example.com", createdAt: now, updatedAt: now))
            try await h.store.insertContact(
                ContactRecord(
                    id: "cothercontact000000000001", phone: "5491155550000", createdAt: now, updatedAt: now, userId: "cother00000000000000000001"))
            #expect(await h.post(Deliveries.text("hola", id: "wamid.X1")).status == 200)
            try await h.settle()
            #expect(try await h.store.inboxCounts()[.parked] == 1)
            let parked = try #require(try await h.store.parkedItems(limit: 10).first)
            #expect(parked.lastError?.contains("belongs to another tenant") == true)
            #expect(try await h.store.messages(contactId: "cothercontact000000000001").isEmpty)
            #expect(await h.fake.messageRequests().isEmpty)
        }
    }

    @Test("a delay suspends the run, survives as a stored resume time, and fires on the virtual clock", arguments: StoreBackendKind.available)
    func durableDelay(kind: StoreBackendKind) async throws {
        let clock = VirtualClock(start: Date(timeIntervalSince1970: 1_767_225_600))
        try await PipelineHarness.with(kind, flows: [(name: "Espera", trigger: "espera", definition: TestFlows.delayed)], clock: clock) { h in
            #expect(await h.post(Deliveries.text("espera", id: "wamid.D1")).status == 200)
            try await waitUntil {
                let counts = try await h.store.inboxCounts()
                let texts = await h.sentTexts()
                return counts[.processing] == nil && counts[.pending] == 1 && texts == ["uno"]
            }
            #expect(await h.sentTexts() == ["uno"])
            let contact = try #require(try await h.contact(phone: "5491155550000"))
            let session = try #require(try await h.store.sessions(contactId: contact.id).first)
            #expect(session.status == "Active")
            #expect(session.currentNodeId == "b")
            // A later message of the same contact waits behind the delay.
            #expect(await h.post(Deliveries.text("espera", id: "wamid.D2")).status == 200)
            try await Task.sleep(for: .milliseconds(200))
            #expect(await h.sentTexts() == ["uno"])

            clock.advance(milliseconds: 30_000)
            h.pipeline.workers.wake()
            try await waitUntil { await h.sentTexts().count >= 3 }
            // The first run finished ("dos"); then the waiting message started a new run, now in its own delay.
            try await waitUntil {
                let counts = try await h.store.inboxCounts()
                return counts[.processing] == nil && counts[.pending] == 1 && counts[.done] == 1
            }
            #expect(await h.sentTexts() == ["uno", "dos", "uno"])
        }
    }

    @Test("a session idle longer than the timeout is completed with endReason timeout", arguments: [StoreBackendKind.memory, .sqlite])
    func sessionTimeout(kind: StoreBackendKind) async throws {
        let clock = VirtualClock(start: Date(timeIntervalSince1970: 1_767_225_600))
        try await PipelineHarness.with(kind, flows: Self.menuFlow, clock: clock, sessionTimeout: 3600) { h in
            #expect(await h.post(Deliveries.text("hola", id: "wamid.T1")).status == 200)
            try await h.settle()
            clock.advance(milliseconds: 2 * 3600 * 1000)
            #expect(await h.post(Deliveries.text("hola", id: "wamid.T2")).status == 200)
            try await h.settle()
            let contact = try #require(try await h.contact(phone: "5491155550000"))
            let session = try #require(try await h.store.sessions(contactId: contact.id).first)
            // The old paused session was timed out, then restarted for the new "hola".
            #expect(session.status == "Paused")
            #expect(await h.sentTexts() == ["¡Hola! ¿En qué te ayudo?", "Elegí una opción", "¡Hola! ¿En qué te ayudo?", "Elegí una opción"])
        }
    }

    @Test(
        "a wrong type in one message: the delivery is accepted, the good message runs, the bad one is parked with its pointer",
        arguments: StoreBackendKind.available)
    func wrongTypeInOneItem(kind: StoreBackendKind) async throws {
        try await PipelineHarness.with(kind, flows: Self.menuFlow) { h in
            let body =
                #"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"wa_id":"5491155550000","profile":{"name":"Lucía"}}],"messages":[{"from":"5491155550000","id":"wamid.GOOD","timestamp":"1767225660","type":"text","text":{"body":"hola"}},{"from":"5491155550000","id":"wamid.BAD","timestamp":"1767225661","type":"text","text":{"body":5}}]}}]}]}"#
            let response = await h.post(Array(body.utf8))
            #expect(response.status == 200)
            try await h.settle()
            #expect(await h.sentTexts() == ["¡Hola! ¿En qué te ayudo?", "Elegí una opción"])
            let parked = try await h.store.parkedItems(limit: 10)
            #expect(parked.count == 1)
            #expect(parked.first?.kind == .invalid)
            #expect(parked.first?.lastError?.contains("/entry/0/changes/0/value/messages/1/text/body") == true, "\(parked.first?.lastError ?? "")")
            #expect(parked.first?.payload["item"]?["id"] == "wamid.BAD")
        }
    }
}
