import FCBStore
import FCBTesting
import FlowEngine
import Foundation
import Testing
import WhatsAppCloud

/// `fcb serve` as a real process: killed with SIGKILL in the middle of a burst and restarted,
/// and two processes sharing one PostgreSQL (restart- and multi-instance safety:
/// docs/serve.md#guarantees).
/// The fake Graph API lives in the test process, so it counts sends across restarts.
@Suite("fcb serve: kill -9 mid-burst, two instances on one database", .serialized)
struct ServeCrashTests {
    static let phoneNumberId = "106540352242922"
    static let secret = "crash-secret"
    static let contacts = 12
    static let perContact = 6

    static var postgresAvailable: Bool { ProcessInfo.processInfo.environment["FCB_TEST_POSTGRES_URL"] != nil }

    /// A fresh database: an SQLite file, or a new PostgreSQL database with the schema deployed.
    static func withDatabase(_ kind: String, _ body: (String) async throws -> Void) async throws {
        if kind == "sqlite" {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("fcb-crash-\(UUID().uuidString).sqlite").path
            defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
            try await body("sqlite:" + path)
            return
        }
        guard let admin = ProcessInfo.processInfo.environment["FCB_TEST_POSTGRES_URL"], case .postgres(let settings) = try DatabaseURL(parsing: admin) else {
            return
        }
        let name = "fcb_serve_\(UUID().uuidString.prefix(8).lowercased())"
        let backend = try PostgresBackend.detached(settings: settings, operationTimeout: .seconds(60))  // CREATE DATABASE under the suite's load
        try await backend.query(SQLQuery(unsafeSQL: "CREATE DATABASE \"\(name)\""))
        let url = "postgres://\(settings.username)@\(settings.host):\(settings.port)/\(name)?sslmode=disable"
        let deploy = try CLI.run(["migrate-deploy", "--database-url", url])
        #expect(deploy.status == 0, "\(deploy.stderr)")
        do {
            try await body(url)
        } catch {
            _ = try? await backend.query(SQLQuery(unsafeSQL: "DROP DATABASE \"\(name)\" WITH (FORCE)"))
            await backend.close()
            throw error
        }
        _ = try? await backend.query(SQLQuery(unsafeSQL: "DROP DATABASE \"\(name)\" WITH (FORCE)"))
        await backend.close()
    }

    /// A seed file: one tenant, one flow that echoes every message once.
    static func writeSeed() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fcb-seed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let flow: JSONValue = [
            "nodes": [
                ["id": "t", "type": "trigger", "data": ["keyword": "default"]],
                ["id": "m", "type": "message", "data": ["text": "eco: {{triggerMessage}}"]],
            ],
            "edges": [["id": "e1", "source": "t", "target": "m"]],
        ]
        try Data(flow.serialized().utf8).write(to: dir.appendingPathComponent("echo.json"))
        let seed: JSONValue = [
            "user": [
                "id": "ccrashtenant0000000000001", "email": "crash@example.com", "metaPhoneNumberId": .string(phoneNumberId),
                "metaAppSecret": .string(secret), "metaVerifyToken": "crash-token", "metaAccessToken": "EAAG-crash",
            ],
            "flows": ["echo.json"],
        ]
        let path = dir.appendingPathComponent("seed.json").path
        try Data(seed.serialized().utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func delivery(contact: Int, index: Int) -> [UInt8] {
        let phone = "54911\(String(format: "%08d", 10_000 + contact))"
        let text = "c\(contact)-m\(index)"
        let body: JSONValue = [
            "object": "whatsapp_business_account",
            "entry": [
                [
                    "id": "1",
                    "changes": [
                        [
                            "field": "messages",
                            "value": [
                                "messaging_product": "whatsapp",
                                "metadata": ["display_phone_number": "15550783881", "phone_number_id": .string(phoneNumberId)],
                                "contacts": [["wa_id": .string(phone), "profile": ["name": .string("Contact \(contact)")]]],
                                "messages": [
                                    [
                                        "from": .string(phone), "id": .string("wamid.CRASH.\(text)"), "timestamp": "1767225660", "type": "text",
                                        "text": ["body": .string(text)],
                                    ]
                                ],
                            ],
                        ]
                    ],
                ]
            ],
        ]
        return Array(body.serialized().utf8)
    }

    static var allDeliveries: [(contact: Int, index: Int, body: [UInt8])] {
        (0..<perContact).flatMap { index in (0..<contacts).map { (contact: $0, index: index, body: delivery(contact: $0, index: index)) } }
    }

    /// Posts a delivery; true when it was acknowledged with 200.
    static func post(_ body: [UInt8], to server: ServeProcess) async -> Bool {
        let headers = ["Content-Type": "application/json", "X-Hub-Signature-256": WebhookSignature.header(body: body, secret: secret)]
        return (try? await LoopbackHTTP.request("POST", server.baseURL + "/webhook", body: body, headers: headers))?.status == 200
    }

    /// As Meta does: a delivery whose request failed in transit (a connection the client pooled
    /// before the kill) is sent again; an answer other than 200 is not retried.
    static func redeliver(_ body: [UInt8], to server: ServeProcess) async -> Bool {
        let headers = ["Content-Type": "application/json", "X-Hub-Signature-256": WebhookSignature.header(body: body, secret: secret)]
        for _ in 1...3 {
            guard let response = try? await LoopbackHTTP.request("POST", server.baseURL + "/webhook", body: body, headers: headers) else { continue }
            return response.status == 200
        }
        return false
    }

    static func start(_ url: String, seed: String, fake: FakeGraphAPI, instance: String, port: Int? = nil) async throws -> ServeProcess {
        let port = try port ?? freeLoopbackPort()
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("fcb-serve-\(instance)-\(UUID().uuidString.prefix(6)).log").path
        return try await ServeProcess.start(
            executable: CLI.binary.path, port: port,
            arguments: ["--database-url", url, "--seed", seed, "--instance-id", instance, "--workers", "4", "--log-format", "json"],
            environment: ["META_GRAPH_URL": fake.url, "META_APP_SECRET": "", "META_VERIFY_TOKEN": "", "FCB_ENV": "development"], logPath: log)
    }

    /// Waits until every delivery's inbound row exists and the inbox is drained.
    static func waitForAll(_ url: String, expected: Int) async throws -> (store: SQLStore, tenantMessages: [MessageRecord]) {
        let store = try await SQLStore.openDetached(try DatabaseURL(parsing: url), installSchema: false)
        let deadline = ContinuousClock.now + .seconds(90)
        var messages: [MessageRecord] = []
        while ContinuousClock.now < deadline {
            messages = []
            for contact in 0..<contacts {
                if let row = try await store.contact(phone: "54911\(String(format: "%08d", 10_000 + contact))") {
                    messages += try await store.messages(contactId: row.id)
                }
            }
            let counts = try await store.inboxCounts()
            let inbound = messages.filter { $0.direction == "inbound" }.count
            let outbound = messages.filter { $0.direction == "outbound" }.count
            if inbound >= expected && outbound >= expected && (counts[.pending] ?? 0) == 0 && (counts[.processing] ?? 0) == 0 { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        return (store, messages)
    }

    /// Replies the fake received, per recipient, in arrival order.
    static func replies(_ fake: FakeGraphAPI) async -> [String: [String]] {
        var byRecipient: [String: [String]] = [:]
        for request in await fake.messageRequests(phoneNumberId: phoneNumberId) {
            guard let json = try? JSONValue(parsing: request.body), let to = json["to"]?.stringValue, let text = json["text"]?["body"]?.stringValue else {
                continue
            }
            byRecipient[to, default: []].append(text)
        }
        return byRecipient
    }

    @Test("kill -9 during a burst: every accepted message processed once, nothing sent twice", arguments: ["sqlite", "postgres"])
    func killDuringBurst(kind: String) async throws {
        guard kind == "sqlite" || Self.postgresAvailable else { return }
        try await Self.withDatabase(kind) { url in
            let seed = try Self.writeSeed()
            let fake = try await FakeGraphAPI.start()
            defer { Task { await fake.stop() } }
            // Slow sends widen the window in which the kill lands mid-run.
            await fake.add(FakeGraphRule(edge: .messages, times: nil, delayMilliseconds: 15, reply: .success))
            let port = try freeLoopbackPort()
            var server = try await Self.start(url, seed: seed, fake: fake, instance: "crash-\(kind)", port: port)
            let deliveries = Self.allDeliveries
            let acked = Acked()
            // Each contact posts its messages one after another (so arrival order is known),
            // contacts in parallel; the server is killed once half the burst is acknowledged.
            let target = server
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    while acked.count < deliveries.count / 2 { try? await Task.sleep(for: .milliseconds(1)) }
                    target.kill()
                }
                for contact in 0..<Self.contacts {
                    group.addTask {
                        for index in 0..<Self.perContact {
                            let offset = index * Self.contacts + contact
                            guard await Self.post(deliveries[offset].body, to: target) else { return }
                            acked.add(offset)
                        }
                    }
                }
            }
            #expect(acked.count > 0 && acked.count < deliveries.count, "the kill should land mid-burst (acked \(acked.count))")

            server = try await Self.start(url, seed: seed, fake: fake, instance: "crash-\(kind)", port: port)
            // Meta redelivers what was not acknowledged (and sometimes what was): send all again, per contact in order.
            let restarted = server
            await withTaskGroup(of: Void.self) { group in
                for contact in 0..<Self.contacts {
                    group.addTask {
                        for index in 0..<Self.perContact {
                            #expect(await Self.redeliver(deliveries[index * Self.contacts + contact].body, to: restarted))
                        }
                    }
                }
            }
            let (store, messages) = try await Self.waitForAll(url, expected: deliveries.count)
            await server.terminate()

            let inbound = messages.filter { $0.direction == "inbound" }
            #expect(inbound.count == deliveries.count, "exactly one inbound row per message")
            #expect(Set(inbound.compactMap(\.waMessageId)).count == deliveries.count)
            let replies = await Self.replies(fake)
            let unknown = messages.filter { $0.direction == "outbound" && $0.status == "Failed" && ($0.error ?? "").contains("fcb stopped") }
            var sent = 0
            for contact in 0..<Self.contacts {
                let phone = "54911\(String(format: "%08d", 10_000 + contact))"
                let texts = replies[phone] ?? []
                #expect(Set(texts).count == texts.count, "no reply sent twice to \(phone): \(texts)")
                // Strict per-contact order.
                let indexes = texts.compactMap { $0.split(separator: "m").last.flatMap { Int($0) } }
                #expect(indexes == indexes.sorted(), "replies to \(phone) out of order: \(texts)")
                sent += texts.count
            }
            // Every message was answered, except sends cut by the kill (at most once, marked Failed).
            #expect(sent + unknown.count >= deliveries.count)
            #expect(unknown.count <= 4)
            #expect(try await store.inboxCounts()[.parked] == nil)
            let takenBack = server.log.components(separatedBy: "took back ").dropFirst().first?.prefix(while: \.isNumber) ?? "0"
            print(
                "crash test (\(kind)): \(deliveries.count) deliveries, \(acked.count) acknowledged before the kill, \(takenBack) item(s) taken back by the restarted process, \(sent) replies sent, \(unknown.count) send(s) cut by the kill, 0 duplicates"
            )
            await store.close()
        }
    }

    @Test(
        "two fcb serve processes on one PostgreSQL share a burst: each message once, per-contact order kept",
        .enabled(if: ServeCrashTests.postgresAvailable, "PostgreSQL test skipped: FCB_TEST_POSTGRES_URL is not set"))
    func twoInstances() async throws {
        try await Self.withDatabase("postgres") { url in
            let seed = try Self.writeSeed()
            let fake = try await FakeGraphAPI.start()
            defer { Task { await fake.stop() } }
            let a = try await Self.start(url, seed: seed, fake: fake, instance: "two-a")
            let b = try await Self.start(url, seed: seed, fake: fake, instance: "two-b")
            let deliveries = Self.allDeliveries
            // Per contact in order (each waits for its ack), alternating instances; contacts in parallel.
            await withTaskGroup(of: Void.self) { group in
                for contact in 0..<Self.contacts {
                    group.addTask {
                        for index in 0..<Self.perContact {
                            let offset = index * Self.contacts + contact
                            #expect(await Self.post(deliveries[offset].body, to: (index + contact) % 2 == 0 ? a : b))
                        }
                    }
                }
            }
            let (store, messages) = try await Self.waitForAll(url, expected: deliveries.count)
            await a.terminate()
            await b.terminate()
            #expect(messages.filter { $0.direction == "inbound" }.count == deliveries.count)
            let replies = await Self.replies(fake)
            for contact in 0..<Self.contacts {
                let phone = "54911\(String(format: "%08d", 10_000 + contact))"
                #expect(replies[phone] == (0..<Self.perContact).map { "eco: c\(contact)-m\($0)" }, "\(phone)")
            }
            #expect(await fake.messageRequests().allSatisfy { $0.inFlightForRecipient == 0 })
            // Both instances accepted half of the deliveries (and competed for the work).
            #expect(a.log.components(separatedBy: "webhook accepted").count - 1 == deliveries.count / 2)
            #expect(b.log.components(separatedBy: "webhook accepted").count - 1 == deliveries.count / 2)
            await store.close()
        }
    }
}

final class Acked: @unchecked Sendable {
    private let lock = NSLock()
    private var offsets: Set<Int> = []
    func add(_ offset: Int) { lock.withLock { _ = offsets.insert(offset) } }
    var count: Int { lock.withLock { offsets.count } }
}
