import FCBPipeline
import FCBStore
import FCBTesting
import Foundation
import Testing

/// The webhook routes' answers (docs/compatibility.md#webhook-endpoint,
/// docs/serve.md#accepting-a-delivery): exact statuses and bodies, and nothing stored unless accepted.
@Suite("Webhook endpoint: verification, acceptance, manual trigger")
struct WebhookEndpointTests {
    static let flows = [(name: "Menú", trigger: "hola", definition: TestFlows.menu)]

    func get(_ h: PipelineHarness, _ query: [(name: String, value: String)]) async -> WebhookResponse {
        await h.pipeline.endpoint.respond(to: WebhookRequest(method: .get, query: query, requestId: "r", receivedAt: Date()))
    }

    @Test("GET verification: env token, a user's token, wrong token, bad mode, missing challenge")
    func verification() async throws {
        try await PipelineHarness.with(.memory, flows: Self.flows) { h in
            let ok = await get(h, [("hub.mode", "subscribe"), ("hub.challenge", "1158201444"), ("hub.verify_token", "global-token")])
            #expect(ok.status == 200)
            #expect(ok.bodyText == "1158201444")
            #expect(ok.headers["Content-Type"] == "text/plain; charset=utf-8")
            #expect(await get(h, [("hub.mode", "subscribe"), ("hub.challenge", "x"), ("hub.verify_token", " verify-me ")]).status == 200)
            let wrong = await get(h, [("hub.mode", "subscribe"), ("hub.challenge", "x"), ("hub.verify_token", "nope")])
            #expect(wrong.status == 403)
            #expect(wrong.bodyText == "Forbidden")
            #expect(await get(h, [("hub.mode", "unsubscribe"), ("hub.challenge", "x"), ("hub.verify_token", "global-token")]).bodyText == "Invalid mode")
            let noChallenge = await get(h, [("hub.mode", "subscribe"), ("hub.verify_token", "global-token")])
            #expect(noChallenge.status == 400)
            #expect(noChallenge.bodyText == "Missing hub.challenge")
            // A repeated parameter is an array in Express, not a string.
            #expect(
                await get(h, [("hub.mode", "subscribe"), ("hub.challenge", "a"), ("hub.challenge", "b"), ("hub.verify_token", "global-token")]).status == 400)
        }
    }

    @Test("POST refusals: exact statuses and bodies, nothing stored", arguments: StoreBackendKind.available)
    func refusals(kind: StoreBackendKind) async throws {
        try await PipelineHarness.with(kind, flows: Self.flows) { h in
            let hola = Array(Deliveries.text("hola", id: "wamid.N1").serialized().utf8)
            let missing = await h.post(hola, secret: nil)
            #expect(missing.status == 401)
            #expect(missing.bodyText == #"{"error":"Missing signature"}"#)
            let bad = await h.post(hola, secret: "wrong-secret")
            #expect(bad.status == 401)
            #expect(bad.bodyText == #"{"error":"Invalid signature"}"#)
            let unknown = await h.post(Deliveries.text("hola", id: "wamid.N2", phoneNumberId: "999000"))
            #expect(unknown.status == 404)
            #expect(unknown.bodyText == #"{"error":"User not configured"}"#)
            let invalid = await h.post(Array("{\"object\":".utf8))
            #expect(invalid.status == 400)
            #expect(invalid.bodyText == #"{"error":"Invalid JSON payload"}"#)
            #expect(await h.post(Array("  ".utf8)).bodyText == #"{"error":"Empty payload"}"#)
            #expect(await h.post(Array("[1]".utf8)).bodyText == #"{"error":"Payload must be a JSON object"}"#)
            let notUTF8: [UInt8] = Array(#"{"object":"x"#.utf8) + [0xFF] + Array(#""}"#.utf8)
            #expect(await h.post(notUTF8).status == 400)
            let counts = try await h.store.inboxCounts()
            #expect(counts.isEmpty)
        }
    }

    @Test("a delivery for two tenants must be signed by both: signed by one it is refused", arguments: StoreBackendKind.available)
    func crossTenantInjection(kind: StoreBackendKind) async throws {
        try await PipelineHarness.with(kind, flows: Self.flows) { h in
            let now = Date()
            try await h.store.insertUser(
                UserRecord(
                    id: "cvictim0000000000000000001", email: "victim@example.com", createdAt: now, updatedAt: now, metaAppSecret: "victim-secret",
                    metaPhoneNumberId: "222000"))
            var delivery = Deliveries.text("hola", id: "wamid.C1")
            let victimChange = Deliveries.text("hola", from: "5491177770000", id: "wamid.C2", phoneNumberId: "222000")["entry"]?.arrayValue?.first?["changes"]?
                .arrayValue?.first
            if case .object(var root) = delivery, case .array(var entries)? = root["entry"], case .object(var entry) = entries[0],
                case .array(var changes)? = entry["changes"], let victimChange
            {
                changes.append(victimChange)
                entry["changes"] = .array(changes)
                entries[0] = .object(entry)
                root["entry"] = .array(entries)
                delivery = .object(root)
            }
            let response = await h.post(Array(delivery.serialized().utf8))
            #expect(response.status == 401)
            #expect(response.bodyText == #"{"error":"Invalid signature"}"#)
            let counts = try await h.store.inboxCounts()
            #expect(counts.isEmpty)
        }
    }

    @Test("a delivery without phone_number_id is accepted when META_APP_SECRET signs it, and kept")
    func noPhoneNumberId() async throws {
        try await PipelineHarness.with(.sqlite, flows: Self.flows) { h in
            let body = Array(
                #"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"message_template_status_update","value":{"event":"APPROVED","message_template_id":12}}]}]}"#
                    .utf8)
            #expect(await h.post(body, secret: PipelineHarness.secret).status == 401)
            let ok = await h.post(body, secret: "global-secret")
            #expect(ok.status == 200)
            try await h.settle()
            #expect(try await h.store.inboxCounts() == [.done: 1])
        }
    }

    @Test("manual trigger: token before existence, aliases, variables merged, CORS", arguments: StoreBackendKind.available)
    func manualTrigger(kind: StoreBackendKind) async throws {
        try await PipelineHarness.with(kind, flows: Self.flows) { h in
            let flowId = "cflow00000000000000000000"
            func trigger(_ body: String, flow: String = flowId, token: String? = "verify-me") async -> WebhookResponse {
                var headers: [String: String] = [:]
                if let token { headers["x-webhook-token"] = token }
                return await h.post(Array(body.utf8), secret: nil, query: [("flowId", flow)], headers: headers)
            }
            let forbidden = await trigger(#"{"from":"5491155550000","message":"hola"}"#, token: "wrong")
            #expect(forbidden.status == 403)
            #expect(forbidden.bodyText == #"{"error":"Forbidden"}"#)
            #expect(forbidden.headers["Access-Control-Allow-Origin"] == "*")
            #expect(await trigger(#"{"from":"5491155550000","message":"hola"}"#, flow: "cnosuchflow00000000000000").bodyText == #"{"error":"Forbidden"}"#)
            #expect(await trigger(#"{"message":"hola"}"#).bodyText == #"{"error":"Missing contact phone identifier"}"#)
            #expect(await trigger(#"{"phone":"+54 9 11","text":"  "}"#).bodyText == #"{"error":"Missing message text"}"#)
            #expect(await trigger("[]").bodyText == #"{"error":"Payload must be a JSON object"}"#)
            #expect(await trigger("{").bodyText == #"{"error":"Invalid JSON payload"}"#)

            let ok = await trigger(#"{"waId":"+54 9 11 5555-0000","keyword":"hola","contactName":"Lucía","variables":{"pedido":"A-17"}}"#)
            #expect(ok.status == 200)
            let contact = try #require(try await h.contact(phone: "5491155550000"))
            let session = try #require(try await h.store.sessions(contactId: contact.id).first)
            #expect(ok.bodyText == #"{"success":true,"flowId":"\#(flowId)","sessionId":"\#(session.id)","contactId":"\#(contact.id)"}"#)
            #expect(ok.headers["Access-Control-Allow-Headers"] == "Content-Type, X-Webhook-Token")
            #expect(session.context?["pedido"] == "A-17")
            #expect(session.status == "Paused")
            #expect(contact.name == "Lucía")
            #expect(await h.sentTexts() == ["¡Hola! ¿En qué te ayudo?", "Elegí una opción"])

            // The paused session takes the next trigger as its reply.
            let reply = await trigger(#"{"from":"5491155550000","message":"Ventas"}"#)
            #expect(reply.status == 200)
            #expect(await h.sentTexts().last == "Te paso con ventas")

            let preflight = await h.pipeline.endpoint.respond(
                to: WebhookRequest(method: .options, query: [("flowId", flowId)], requestId: "r", receivedAt: Date()))
            #expect(preflight.status == 204)
            #expect(preflight.headers["Access-Control-Allow-Methods"] == "POST, OPTIONS")
            #expect(preflight.body.isEmpty)
            let noFlow = await h.pipeline.endpoint.respond(to: WebhookRequest(method: .options, requestId: "r", receivedAt: Date()))
            #expect(noFlow.status == 404)
            #expect(noFlow.bodyText == #"{"error":"Not Found"}"#)
        }
    }
}
