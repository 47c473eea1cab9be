import FCBPipeline
import FCBRealtime
import FCBStore
import FCBSupport
import FCBTesting
import FlowEngine
import Foundation
import Logging
import Synchronization
import Testing
import WhatsAppCloud

/// A whole pipeline on one store backend: the webhook endpoint, the worker pool running in the
/// background, the real Graph API sender talking to a fake Graph server on loopback, and a
/// recorder of realtime events.
struct PipelineHarness {
    static let phoneNumberId = "106540352242922"
    static let secret = "harness-secret"
    static let tenantId = "ctenant000000000000000001"

    let store: any PipelineStore
    let pipeline: Pipeline
    let fake: FakeGraphAPI
    let events: EventRecorder
    let clock: any FlowClock

    /// Runs `body` with a harness whose tenant has `flows` (name → definition, trigger keyword).
    static func with(
        _ kind: StoreBackendKind, flows: [(name: String, trigger: String, definition: JSONValue)], clock: any FlowClock = SystemClock(),
        workers: Int = 4, sessionTimeout: TimeInterval = 24 * 3600, replyDeadline: Duration = .seconds(3600),
        _ body: (PipelineHarness) async throws -> Void
    ) async throws {
        try await withStore(kind) { store in
            let now = clock.now()
            try await store.insertUser(
                UserRecord(
                    id: tenantId, email: "tenant@example.com", createdAt: now, updatedAt: now, metaVerifyToken: "verify-me",
                    metaAppSecret: secret, metaAccessToken: "EAAG-test", metaPhoneNumberId: phoneNumberId))
            for (index, flow) in flows.enumerated() {
                try await store.saveFlow(
                    FlowRecord(
                        id: "cflow00000000000000000\(String(format: "%03d", index))", name: flow.name, trigger: flow.trigger, definition: flow.definition,
                        createdAt: now, updatedAt: now.addingTimeInterval(Double(index)), userId: tenantId))
            }
            let fake = try await FakeGraphAPI.start()
            let sender = GraphAPISender(
                configuration: GraphAPIConfiguration(
                    baseURL: fake.url, retry: GraphRetryPolicy(maxAttempts: 2, baseDelayMilliseconds: 1, maxDelayMilliseconds: 2)),
                credentials: StoreCredentialsSource(store: store))
            let bus = EventBus()
            let recorder = EventRecorder(bus: bus)
            var logger = Logger(label: "fcb.test")
            logger.logLevel = .critical
            let pipeline = Pipeline(
                store: store,
                settings: .init(
                    webhook: WebhookSettings(verifyToken: "global-token", appSecret: "global-secret", triggerTimeout: .seconds(10)),
                    workers: .init(workers: workers, instance: "test-\(kind.rawValue)", lease: .seconds(30), pollInterval: .milliseconds(20)),
                    sessionTimeout: sessionTimeout, replyDeadline: replyDeadline),
                sender: sender, api: RefusingAPIClient(), clock: clock, events: bus, logger: logger)
            let running = Task { try await pipeline.workers.run() }
            let harness = PipelineHarness(store: store, pipeline: pipeline, fake: fake, events: recorder, clock: clock)
            do {
                try await body(harness)
            } catch {
                pipeline.workers.stop()
                _ = try? await running.value
                await sender.shutdown()
                await fake.stop()
                recorder.stop()
                throw error
            }
            pipeline.workers.stop()
            _ = try? await running.value
            await sender.shutdown()
            await fake.stop()
            recorder.stop()
        }
    }

    /// POSTs `body` to the endpoint, signed with the tenant's secret (or `secret`).
    func post(
        _ body: [UInt8], secret: String? = PipelineHarness.secret, query: [(name: String, value: String)] = [], headers: [String: String] = [:]
    ) async -> WebhookResponse {
        var all = headers
        if let secret { all["x-hub-signature-256"] = WebhookSignature.header(body: body, secret: secret) }
        return await pipeline.endpoint.respond(
            to: WebhookRequest(
                method: .post, query: query, headers: all, body: body, requestId: "req-\(UUID().uuidString.prefix(8))", receivedAt: clock.now()))
    }

    func post(_ json: JSONValue) async -> WebhookResponse { await post(Array(json.serialized().utf8)) }

    /// Waits (bounded) until no item is pending-and-due or processing.
    func settle(allowPending: Int = 0, timeout: Duration = .seconds(20)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let counts = try await store.inboxCounts()
            if (counts[.processing] ?? 0) == 0 && (counts[.pending] ?? 0) <= allowPending { return }
            pipeline.workers.wake()
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("inbox did not settle: \(try await store.inboxCounts())")
    }

    func contact(phone: String) async throws -> ContactRecord? { try await store.contact(phone: phone) }

    /// The texts the fake Graph API received, in order (`text.body`, `interactive.body.text`).
    func sentTexts(to phone: String? = nil) async -> [String] {
        await fake.messageRequests(to: phone).compactMap { request in
            guard let json = try? JSONValue(parsing: request.body) else { return nil }
            return json["text"]?["body"]?.stringValue ?? json["interactive"]?["body"]?["text"]?.stringValue
        }
    }
}

/// Collects every realtime event published on a bus.
final class EventRecorder: Sendable {
    private final class Box: Sendable {
        let events = Mutex<[RealtimeEvent]>([])
    }

    private let box = Box()
    private let task: Task<Void, Never>

    init(bus: EventBus) {
        let stream = bus.subscribe()
        let box = self.box
        task = Task {
            for await event in stream { box.events.withLock { $0.append(event) } }
        }
    }

    var all: [RealtimeEvent] { box.events.withLock { $0 } }
    func named(_ name: String) -> [RealtimeEvent] { all.filter { $0.name == name } }
    func stop() { task.cancel() }
}

/// Webhook bodies built like Meta's.
enum Deliveries {
    static func text(
        _ body: String, from: String = "5491155550000", name: String? = "Lucía", id: String, phoneNumberId: String = PipelineHarness.phoneNumberId
    ) -> JSONValue {
        var contact: JSONObject = ["wa_id": .string(from)]
        if let name { contact["profile"] = ["name": .string(name)] }
        return [
            "object": "whatsapp_business_account",
            "entry": [
                [
                    "id": "102290129340398",
                    "changes": [
                        [
                            "field": "messages",
                            "value": [
                                "messaging_product": "whatsapp",
                                "metadata": ["display_phone_number": "15550783881", "phone_number_id": .string(phoneNumberId)],
                                "contacts": [.object(contact)],
                                "messages": [
                                    ["from": .string(from), "id": .string(id), "timestamp": "1767225660", "type": "text", "text": ["body": .string(body)]]
                                ],
                            ],
                        ]
                    ],
                ]
            ],
        ]
    }

    static func status(
        _ status: String, id: String, timestamp: String, recipient: String = "5491155550000", phoneNumberId: String = PipelineHarness.phoneNumberId
    ) -> JSONValue {
        [
            "object": "whatsapp_business_account",
            "entry": [
                [
                    "id": "102290129340398",
                    "changes": [
                        [
                            "field": "messages",
                            "value": [
                                "messaging_product": "whatsapp",
                                "metadata": ["display_phone_number": "15550783881", "phone_number_id": .string(phoneNumberId)],
                                "statuses": [
                                    ["id": .string(id), "status": .string(status), "timestamp": .string(timestamp), "recipient_id": .string(recipient)]
                                ],
                            ],
                        ]
                    ],
                ]
            ],
        ]
    }
}

/// Small flows for pipeline tests.
enum TestFlows {
    /// trigger(hola) → message "¡Hola! ¿En qué te ayudo?" → options [Ventas, Soporte] → a reply per option.
    static let menu: JSONValue = [
        "nodes": [
            ["id": "t", "type": "trigger", "data": ["keyword": "hola"]],
            ["id": "m", "type": "message", "data": ["text": "¡Hola! ¿En qué te ayudo?"]],
            ["id": "o", "type": "options", "data": ["text": "Elegí una opción", "options": ["Ventas", "Soporte"]]],
            ["id": "v", "type": "message", "data": ["text": "Te paso con ventas"]],
            ["id": "s", "type": "message", "data": ["text": "Te paso con soporte"]],
        ],
        "edges": [
            ["id": "e1", "source": "t", "target": "m"],
            ["id": "e2", "source": "m", "target": "o"],
            ["id": "e3", "source": "o", "sourceHandle": "opt-0", "target": "v"],
            ["id": "e4", "source": "o", "sourceHandle": "opt-1", "target": "s"],
        ],
    ]

    /// trigger(eco) → message "eco: {{triggerMessage}}": one reply per inbound, for ordering tests.
    static let echo: JSONValue = [
        "nodes": [
            ["id": "t", "type": "trigger", "data": ["keyword": "default"]],
            ["id": "m", "type": "message", "data": ["text": "eco: {{triggerMessage}}"]],
        ],
        "edges": [["id": "e1", "source": "t", "target": "m"]],
    ]

    /// trigger(espera) → "uno" → delay 30 s → "dos".
    static let delayed: JSONValue = [
        "nodes": [
            ["id": "t", "type": "trigger", "data": ["keyword": "espera"]],
            ["id": "a", "type": "message", "data": ["text": "uno"]],
            ["id": "d", "type": "delay", "data": ["seconds": 30]],
            ["id": "b", "type": "message", "data": ["text": "dos"]],
        ],
        "edges": [
            ["id": "e1", "source": "t", "target": "a"], ["id": "e2", "source": "a", "target": "d"], ["id": "e3", "source": "d", "target": "b"],
        ],
    ]
}
