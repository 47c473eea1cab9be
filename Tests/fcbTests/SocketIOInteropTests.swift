import FCBSimulator
import FCBStore
import FCBTesting
import FlowEngine
import Foundation
import Testing
import WhatsAppCloud

/// The real python-socketio client (`Tests/interop/socketio_client.py`) against the real
/// `fcb serve` binary: every transport, upgrade, reconnection after a restart, JWT auth and
/// tenant isolation, and the connection gauge going back to zero. Payloads are compared with
/// the rows read from the database afterwards.
@Suite("Socket.IO interop: python-socketio against fcb serve", .serialized)
struct SocketIOInteropTests {
    static let tenantA = Tenant(id: "cinteroptenanta0000000001", phoneNumberId: "106540352240001", secret: "interop-secret-a")
    static let tenantB = Tenant(id: "cinteroptenantb0000000001", phoneNumberId: "106540352240002", secret: "interop-secret-b")
    static let jwtSecret = "interop-jwt-secret"
    static let secondReply = "segunda respuesta"

    struct Tenant: Sendable {
        let id: String
        let phoneNumberId: String
        let secret: String
    }

    /// The keys of a Message row as Prisma serialises it, in schema order.
    static let messageKeys: Set<String> = [
        "id", "waMessageId", "direction", "type", "content", "payload", "status", "error", "statusUpdatedAt", "createdAt", "contactId", "userId", "sessionId",
    ]

    // MARK: - Fixture

    /// A temporary directory with one seed file per tenant (a flow that answers every message
    /// twice: "eco: <text>" then a fixed text) and an SQLite path.
    struct Fixture {
        let dir: URL
        /// A PostgreSQL URL, else SQLite in `dir`.
        var postgresURL: String?
        var databaseURL: String { postgresURL ?? "sqlite:" + dir.appendingPathComponent("fcb.sqlite").path }

        init(postgresURL: String? = nil) throws {
            self.postgresURL = postgresURL
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("fcb-interop-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let flow: JSONValue = [
                "nodes": [
                    ["id": "t", "type": "trigger", "data": ["keyword": "default"]],
                    ["id": "m1", "type": "message", "data": ["text": "eco: {{triggerMessage}}"]],
                    ["id": "m2", "type": "message", "data": ["text": .string(SocketIOInteropTests.secondReply)]],
                ],
                "edges": [["id": "e1", "source": "t", "target": "m1"], ["id": "e2", "source": "m1", "target": "m2"]],
            ]
            try Data(flow.serialized().utf8).write(to: dir.appendingPathComponent("twice.json"))
            for tenant in [SocketIOInteropTests.tenantA, SocketIOInteropTests.tenantB] {
                let seed: JSONValue = [
                    "user": [
                        "id": .string(tenant.id), "email": .string("\(tenant.id)@example.com"), "metaPhoneNumberId": .string(tenant.phoneNumberId),
                        "metaAppSecret": .string(tenant.secret), "metaVerifyToken": "interop-token", "metaAccessToken": "EAAG-interop",
                    ],
                    "flows": ["twice.json"],
                ]
                try Data(seed.serialized().utf8).write(to: seedURL(tenant))
            }
        }

        func seedURL(_ tenant: Tenant) -> URL { dir.appendingPathComponent("seed-\(tenant.id).json") }

        /// Writes both tenants into the database (before `fcb serve` starts).
        func seedBothTenants() async throws {
            let store = try await SQLStore.openDetached(try DatabaseURL(parsing: databaseURL))
            for tenant in [SocketIOInteropTests.tenantA, SocketIOInteropTests.tenantB] {
                try await TenantSeed.load(path: seedURL(tenant).path).apply(to: store)
            }
            await store.close()
        }

        func remove() { try? FileManager.default.removeItem(at: dir) }
    }

    static func startServe(
        _ fixture: Fixture, fake: FakeGraphAPI, port: Int? = nil, seed: Tenant? = tenantA, jwt: String? = nil, tag: String
    ) async throws -> ServeProcess {
        let port = try port ?? freeLoopbackPort()
        var arguments = ["--database-url", fixture.databaseURL, "--workers", "2", "--log-format", "json"]
        if let seed { arguments += ["--seed", fixture.seedURL(seed).path] }
        return try await ServeProcess.start(
            executable: CLI.binary.path, port: port, arguments: arguments,
            environment: [
                "META_GRAPH_URL": fake.url, "META_APP_SECRET": "", "META_VERIFY_TOKEN": "", "FCB_ENV": "development", "JWT_SECRET": jwt ?? "",
                "LOG_LEVEL": "info",
            ],
            logPath: fixture.dir.appendingPathComponent("serve-\(tag)-\(UUID().uuidString.prefix(4)).log").path)
    }

    // MARK: - Webhooks

    static func textDelivery(_ tenant: Tenant, phone: String, wamid: String, text: String) -> [UInt8] {
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
                                "metadata": ["display_phone_number": "15550783881", "phone_number_id": .string(tenant.phoneNumberId)],
                                "contacts": [["wa_id": .string(phone), "profile": ["name": "Interop"]]],
                                "messages": [
                                    ["from": .string(phone), "id": .string(wamid), "timestamp": "1767225660", "type": "text", "text": ["body": .string(text)]]
                                ],
                            ],
                        ]
                    ],
                ]
            ],
        ]
        return Array(body.serialized().utf8)
    }

    static func statusDelivery(_ tenant: Tenant, phone: String, wamid: String, status: String, timestamp: Int) -> [UInt8] {
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
                                "metadata": ["display_phone_number": "15550783881", "phone_number_id": .string(tenant.phoneNumberId)],
                                "statuses": [
                                    ["id": .string(wamid), "status": .string(status), "timestamp": .string(String(timestamp)), "recipient_id": .string(phone)]
                                ],
                            ],
                        ]
                    ],
                ]
            ],
        ]
        return Array(body.serialized().utf8)
    }

    static func post(_ body: [UInt8], tenant: Tenant, to server: ServeProcess) async throws {
        let headers = ["Content-Type": "application/json", "X-Hub-Signature-256": WebhookSignature.header(body: body, secret: tenant.secret)]
        let response = try await LoopbackHTTP.request("POST", server.baseURL + "/webhook", body: body, headers: headers)
        #expect(response.status == 200, "webhook: \(response.status) \(response.body)")
    }

    /// Waits (bounded) until the contact's inbound message `wamid` and `replies` outbound rows
    /// after it are stored; returns the contact and the rows of that exchange (inbound first).
    static func waitForExchange(
        _ fixture: Fixture, phone: String, wamid: String, replies: Int = 2
    ) async throws -> (contact: ContactRecord, rows: [MessageRecord]) {
        let store = try await SQLStore.openDetached(try DatabaseURL(parsing: fixture.databaseURL), installSchema: false)
        defer { Task { await store.close() } }
        let deadline = ContinuousClock.now + .seconds(30)
        var last: [MessageRecord] = []
        while ContinuousClock.now < deadline {
            if let contact = try await store.contact(phone: phone) {
                last = try await store.messages(contactId: contact.id)
                if let start = last.firstIndex(where: { $0.waMessageId == wamid }) {
                    let exchange = Array(last[start...].prefix(1 + replies))
                    if exchange.count == 1 + replies, exchange.dropFirst().allSatisfy({ $0.direction == "outbound" && $0.waMessageId != nil }) {
                        return (contact, exchange)
                    }
                }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ServeProcessError("exchange \(wamid) from \(phone) not stored within 30 s; rows: \(last.map { "\($0.direction) \($0.content ?? "")" })")
    }

    static func rows(contactId: String, _ fixture: Fixture) async throws -> [MessageRecord] {
        let store = try await SQLStore.openDetached(try DatabaseURL(parsing: fixture.databaseURL), installSchema: false)
        let rows = try await store.messages(contactId: contactId)
        await store.close()
        return rows
    }

    // MARK: - Expected payloads (written independently of RealtimeEvent.json)

    /// `2026-01-01T00:01:00.123Z`: UTC, milliseconds, as JavaScript's `Date.toISOString()`.
    static func iso(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(millis / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(millis % 1000))
    }

    static func expectedRow(_ m: MessageRecord) -> [String: JSONValue] {
        func text(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        return [
            "id": .string(m.id), "waMessageId": text(m.waMessageId), "direction": .string(m.direction), "type": .string(m.type),
            "content": text(m.content), "payload": m.payload ?? .null, "status": .string(m.status), "error": text(m.error),
            "statusUpdatedAt": text(m.statusUpdatedAt.map(iso)), "createdAt": .string(iso(m.createdAt)),
            "contactId": .string(m.contactId), "userId": .string(m.userId), "sessionId": text(m.sessionId),
        ]
    }

    /// Objects with their keys sorted, recursively (the driver prints sorted keys; ordered
    /// dictionaries compare in order).
    static func canonical(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            var sorted = JSONObject()
            for key in object.keys.sorted() { sorted[key] = canonical(object[key]!) }
            return .object(sorted)
        case .array(let items): return .array(items.map(canonical))
        default: return value
        }
    }

    /// `message:new` for `row`: exactly `{message, contactId}`, the message with exactly the
    /// Prisma keys and the row's values.
    static func checkMessageNew(_ event: (name: String, data: JSONValue), _ row: MessageRecord, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(event.name == "message:new", sourceLocation: sourceLocation)
        #expect(Set(event.data.objectValue?.keys.map { $0 } ?? []) == ["message", "contactId"], "\(event.data)", sourceLocation: sourceLocation)
        #expect(event.data["contactId"] == .string(row.contactId), sourceLocation: sourceLocation)
        guard let message = event.data["message"]?.objectValue else {
            Issue.record("message:new without a message object: \(event.data)", sourceLocation: sourceLocation)
            return
        }
        #expect(Set(message.keys) == messageKeys, sourceLocation: sourceLocation)
        let expected = expectedRow(row)
        for key in messageKeys.sorted() {
            #expect(canonical(message[key] ?? .string("<missing>")) == canonical(expected[key]!), "message.\(key)", sourceLocation: sourceLocation)
        }
    }

    static func checkTyping(_ event: (name: String, data: JSONValue), _ name: String, contactId: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(event.name == name, sourceLocation: sourceLocation)
        #expect(canonical(event.data) == canonical(["contactId": .string(contactId)]), "\(event.data)", sourceLocation: sourceLocation)
    }

    /// One exchange's events, in order: message:new (inbound), typing:start, message:new per
    /// reply, typing:stop.
    static func checkExchange(_ events: ArraySlice<(name: String, data: JSONValue)>, rows: [MessageRecord], sourceLocation: SourceLocation = #_sourceLocation) {
        let events = Array(events)
        let names = events.map(\.name)
        let expectedNames = ["message:new", "typing:start"] + Array(repeating: "message:new", count: rows.count - 1) + ["typing:stop"]
        #expect(names == expectedNames, sourceLocation: sourceLocation)
        guard names == expectedNames else { return }
        let contactId = rows[0].contactId
        checkMessageNew(events[0], rows[0], sourceLocation: sourceLocation)
        checkTyping(events[1], "typing:start", contactId: contactId, sourceLocation: sourceLocation)
        for (offset, row) in rows.dropFirst().enumerated() { checkMessageNew(events[2 + offset], row, sourceLocation: sourceLocation) }
        checkTyping(events[events.count - 1], "typing:stop", contactId: contactId, sourceLocation: sourceLocation)
    }

    static func checkJoinAck(_ line: JSONValue, contactId: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(line["contactId"] == .string(contactId), sourceLocation: sourceLocation)
        #expect(
            canonical(line["ack"] ?? .null) == canonical(["ok": true, "room": .string("conversation:" + contactId)]), "\(line)", sourceLocation: sourceLocation)
    }

    // MARK: - Metrics

    static func connections(_ server: ServeProcess) async throws -> Double? {
        let metrics = try await LoopbackHTTP.request("GET", server.baseURL + "/metrics")
        for line in metrics.body.split(separator: "\n") where line.hasPrefix("fcb_socketio_connections ") {
            return Double(line.split(separator: " ")[1])
        }
        return nil
    }

    /// Polls `/metrics` (bounded) until `fcb_socketio_connections` is `expected`.
    static func waitForConnections(
        _ expected: Double, on server: ServeProcess, seconds: Int = 20, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        var last: Double?
        while ContinuousClock.now < deadline {
            last = try await connections(server)
            if last == expected { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("fcb_socketio_connections stayed \(last.map { "\($0)" } ?? "absent"), expected \(expected)", sourceLocation: sourceLocation)
    }

    static func client(_ name: String, _ server: ServeProcess, transports: String = "polling,websocket", _ extra: [String]) throws -> SocketIOClientProcess {
        try SocketIOClientProcess(name: name, arguments: ["--url", server.baseURL, "--transports", transports, "--timeout", "60"] + extra)
    }

    // MARK: - 1. Every transport: exact payloads, order, statuses

    @Test("events with exact payloads over each transport", arguments: ["polling", "websocket", "polling,websocket"])
    func transports(transports: String) async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let fake = try await FakeGraphAPI.start()
        let server = try await Self.startServe(fixture, fake: fake, tag: "transports")
        var client: SocketIOClientProcess?
        do {
            let phone = "5491177700001"
            try await Self.post(Self.textDelivery(Self.tenantA, phone: phone, wamid: "wamid.INTEROP.first", text: "hola"), tenant: Self.tenantA, to: server)
            let (contact, _) = try await Self.waitForExchange(fixture, phone: phone, wamid: "wamid.INTEROP.first")

            // 5 events for the exchange, then 2 message:status.
            let sio = try Self.client("transports-\(transports)", server, transports: transports, ["--join", contact.id, "--events", "7"])
            client = sio
            let connected = try await sio.wait(kind: "connected")
            // python-engineio upgrades before the Socket.IO CONNECT, so `polling,websocket` is on
            // WebSocket already here; it started on polling (its handshake is always polling).
            #expect(connected[0]["transport"] == .string(transports == "polling" ? "polling" : "websocket"))
            let joined = try await sio.wait(kind: "joined")
            Self.checkJoinAck(joined[0], contactId: contact.id)
            try await Self.waitForConnections(1, on: server)

            try await Self.post(Self.textDelivery(Self.tenantA, phone: phone, wamid: "wamid.INTEROP.second", text: "que tal"), tenant: Self.tenantA, to: server)
            let events = try await sio.waitForEvents(5)
            let (_, rows) = try await Self.waitForExchange(fixture, phone: phone, wamid: "wamid.INTEROP.second")
            #expect(rows.map(\.content) == ["que tal", "eco: que tal", Self.secondReply])
            Self.checkExchange(events.prefix(5), rows: rows)

            // Statuses for the first reply, one delivery at a time (so each is announced).
            let reply = rows[1]
            let wamid = try #require(reply.waMessageId)
            try await Self.post(
                Self.statusDelivery(Self.tenantA, phone: phone, wamid: wamid, status: "delivered", timestamp: 1_767_225_700), tenant: Self.tenantA, to: server)
            let afterDelivered = try await sio.waitForEvents(6)
            try await Self.post(
                Self.statusDelivery(Self.tenantA, phone: phone, wamid: wamid, status: "read", timestamp: 1_767_225_710), tenant: Self.tenantA, to: server)
            let all = try await sio.waitForEvents(7)
            #expect(afterDelivered.count == 6)
            for (event, status) in zip(all[5...], ["Delivered", "Read"]) {
                #expect(event.name == "message:status")
                #expect(
                    Self.canonical(event.data)
                        == Self.canonical([
                            "messageId": .string(reply.id), "waMessageId": .string(wamid), "status": .string(status), "contactId": .string(contact.id),
                        ]), "\(event.data)")
            }
            let stored = try await Self.rows(contactId: contact.id, fixture).first { $0.id == reply.id }
            #expect(stored?.status == "Read")

            let done = try await sio.wait(kind: "done")
            #expect(done[0]["events"] == .number(7))
            if transports.contains("websocket") {
                #expect(done[0]["transport"] == .string("websocket"), "upgrade: \(done[0])")
            } else {
                #expect(done[0]["transport"] == .string("polling"))
            }
            // Nothing lost, nothing twice.
            let names = sio.events.map(\.name)
            #expect(names == ["message:new", "typing:start", "message:new", "message:new", "typing:stop", "message:status", "message:status"])
            #expect(sio.lines(kind: "connected").count == 1)
            #expect(await sio.waitForExit() == 0)
            try await Self.waitForConnections(0, on: server)
            print("interop \(transports): 7 events, final transport \(done[0]["transport"] ?? .null)")
        } catch {
            await client?.stop()
            print(server.log.suffix(6000))
            await server.terminate()
            await fake.stop()
            throw error
        }
        await client?.stop()
        await server.terminate()
        await fake.stop()
    }

    // MARK: - 2. Reconnection after a restart

    /// Not `polling` alone: on a graceful shutdown fcb answers a pending poll with an Engine.IO
    /// `close` packet (as the reference engine.io server does); socket.io-client (the dashboard)
    /// reconnects after it, but python-engineio takes it for a deliberate server disconnect and
    /// does not reconnect.
    @Test("the client reconnects and re-joins after fcb serve restarts", arguments: ["websocket", "polling,websocket"])
    func reconnectAfterRestart(transports: String) async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let fake = try await FakeGraphAPI.start()
        let port = try freeLoopbackPort()
        var server = try await Self.startServe(fixture, fake: fake, port: port, tag: "restart1")
        var client: SocketIOClientProcess?
        do {
            let phone = "5491177700002"
            try await Self.post(Self.textDelivery(Self.tenantA, phone: phone, wamid: "wamid.INTEROP.r0", text: "uno"), tenant: Self.tenantA, to: server)
            let (contact, _) = try await Self.waitForExchange(fixture, phone: phone, wamid: "wamid.INTEROP.r0")

            let sio = try Self.client(
                "reconnect-\(transports)", server, transports: transports, ["--join", contact.id, "--reconnect", "--connects", "2", "--events", "10"])
            client = sio
            Self.checkJoinAck(try await sio.wait(kind: "joined")[0], contactId: contact.id)
            try await Self.post(Self.textDelivery(Self.tenantA, phone: phone, wamid: "wamid.INTEROP.r1", text: "antes"), tenant: Self.tenantA, to: server)
            let before = try await sio.waitForEvents(5)
            Self.checkExchange(before.prefix(5), rows: try await Self.waitForExchange(fixture, phone: phone, wamid: "wamid.INTEROP.r1").rows)

            let restartStarted = ContinuousClock.now
            await server.terminate()
            #expect(server.exited)
            try await sio.wait(kind: "disconnected")
            server = try await Self.startServe(fixture, fake: fake, port: port, tag: "restart2")
            let joined = try await sio.wait(kind: "joined", count: 2, seconds: 30)
            Self.checkJoinAck(joined[1], contactId: contact.id)
            #expect(sio.lines(kind: "connected").count == 2)
            let downtime = ContinuousClock.now - restartStarted

            try await Self.post(Self.textDelivery(Self.tenantA, phone: phone, wamid: "wamid.INTEROP.r2", text: "despues"), tenant: Self.tenantA, to: server)
            let all = try await sio.waitForEvents(10)
            let (_, rows) = try await Self.waitForExchange(fixture, phone: phone, wamid: "wamid.INTEROP.r2")
            #expect(rows.map(\.content) == ["despues", "eco: despues", Self.secondReply])
            Self.checkExchange(all[5..<10], rows: rows)
            let done = try await sio.wait(kind: "done")
            #expect(done[0]["events"] == .number(10))
            #expect(await sio.waitForExit() == 0)
            try await Self.waitForConnections(0, on: server)
            print("interop reconnect \(transports): terminate → re-joined in \(downtime)")
        } catch {
            await client?.stop()
            print(server.log.suffix(6000))
            await server.terminate()
            await fake.stop()
            throw error
        }
        await client?.stop()
        await server.terminate()
        await fake.stop()
    }

    // MARK: - 3. Auth

    @Test("JWT auth: auth.token, Bearer, ?token=; bad signature and expired refused; no joins across tenants")
    func auth() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try await fixture.seedBothTenants()
        let fake = try await FakeGraphAPI.start()
        let server = try await Self.startServe(fixture, fake: fake, seed: nil, jwt: Self.jwtSecret, tag: "auth")
        var clients: [SocketIOClientProcess] = []
        do {
            let phoneA = "5491177700003"
            let phoneB = "5491177700004"
            try await Self.post(Self.textDelivery(Self.tenantA, phone: phoneA, wamid: "wamid.INTEROP.a0", text: "soy a"), tenant: Self.tenantA, to: server)
            try await Self.post(Self.textDelivery(Self.tenantB, phone: phoneB, wamid: "wamid.INTEROP.b0", text: "soy b"), tenant: Self.tenantB, to: server)
            let contactA = try await Self.waitForExchange(fixture, phone: phoneA, wamid: "wamid.INTEROP.a0").contact
            let contactB = try await Self.waitForExchange(fixture, phone: phoneB, wamid: "wamid.INTEROP.b0").contact
            #expect(contactA.userId == Self.tenantA.id && contactB.userId == Self.tenantB.id)

            // Accepted, through each of the three places a token may be.
            for via in ["auth", "bearer", "query"] {
                let sio = try Self.client(
                    "auth-\(via)", server,
                    [
                        "--jwt-secret", Self.jwtSecret, "--jwt-user", Self.tenantA.id, "--jwt-exp", "600", "--jwt-via", via, "--join", contactA.id,
                    ])
                clients.append(sio)
                Self.checkJoinAck(try await sio.wait(kind: "joined")[0], contactId: contactA.id)
                #expect(sio.lines(kind: "connect_error").isEmpty, "\(via)")
                #expect(await sio.waitForExit() == 0, "\(via): \(sio.transcript)")
            }

            // Refused: wrong secret, expired (beyond the 30 s leeway), and no token at all.
            let refusals: [(String, [String])] = [
                ("bad-signature", ["--jwt-secret", "not-the-secret", "--jwt-user", Self.tenantA.id, "--jwt-exp", "600"]),
                ("expired", ["--jwt-secret", Self.jwtSecret, "--jwt-user", Self.tenantA.id, "--jwt-exp", "-3600"]),
                ("no-token", []),
            ]
            for (name, arguments) in refusals {
                let sio = try Self.client("auth-\(name)", server, arguments + ["--join", contactA.id])
                clients.append(sio)
                let refused = try await sio.wait(kind: "connect_error")
                let data = refused[0]["data"]
                #expect(data?["message"] == "Not authorized", "\(name): \(refused[0])")
                #expect(data?["data"]?["reason"]?.stringValue?.isEmpty == false, "\(name): \(refused[0])")
                #expect(Set(data?.objectValue?.keys.map { $0 } ?? []) == ["message", "data"], "\(name): \(refused[0])")
                _ = await sio.waitForExit()
                #expect(sio.lines(kind: "connected").isEmpty && sio.lines(kind: "joined").isEmpty, "\(name)")
            }

            // Tenant A's token: B's contact refused, its own accepted; only A's events arrive.
            let sio = try Self.client(
                "auth-cross", server,
                [
                    "--jwt-secret", Self.jwtSecret, "--jwt-user", Self.tenantA.id, "--jwt-exp", "600", "--join", contactB.id, "--join", contactA.id, "--events",
                    "5",
                ])
            clients.append(sio)
            let joined = try await sio.wait(kind: "joined", count: 2)
            #expect(joined[0]["contactId"] == .string(contactB.id))
            #expect(joined[0]["ack"]?["ok"] == .bool(false), "\(joined[0])")
            #expect(joined[0]["ack"]?["error"]?.stringValue?.isEmpty == false, "\(joined[0])")
            #expect(Set(joined[0]["ack"]?.objectValue?.keys.map { $0 } ?? []) == ["ok", "error"])
            Self.checkJoinAck(joined[1], contactId: contactA.id)
            // B's exchange first (stored, so its events were published), then A's.
            try await Self.post(
                Self.textDelivery(Self.tenantB, phone: phoneB, wamid: "wamid.INTEROP.b1", text: "secreto de b"), tenant: Self.tenantB, to: server)
            _ = try await Self.waitForExchange(fixture, phone: phoneB, wamid: "wamid.INTEROP.b1")
            try await Self.post(Self.textDelivery(Self.tenantA, phone: phoneA, wamid: "wamid.INTEROP.a1", text: "para a"), tenant: Self.tenantA, to: server)
            let events = try await sio.waitForEvents(5)
            let rowsA = try await Self.waitForExchange(fixture, phone: phoneA, wamid: "wamid.INTEROP.a1").rows
            Self.checkExchange(events.prefix(5), rows: rowsA)
            #expect(sio.events.allSatisfy { $0.data["contactId"] == .string(contactA.id) }, "\(sio.transcript)")
            #expect(!sio.transcript.contains("secreto de b"))
            #expect(await sio.waitForExit() == 0)
            try await Self.waitForConnections(0, on: server)
        } catch {
            for c in clients { await c.stop() }
            print(server.log.suffix(6000))
            await server.terminate()
            await fake.stop()
            throw error
        }
        for c in clients { await c.stop() }
        await server.terminate()
        await fake.stop()
    }

    // MARK: - 4. Clean-up

    @Test("fcb_socketio_connections follows clients on every transport back to zero, including a killed one")
    func connectionGauge() async throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let fake = try await FakeGraphAPI.start()
        let server = try await Self.startServe(fixture, fake: fake, tag: "gauge")
        var clients: [SocketIOClientProcess] = []
        do {
            let phone = "5491177700005"
            try await Self.post(Self.textDelivery(Self.tenantA, phone: phone, wamid: "wamid.INTEROP.g0", text: "hola"), tenant: Self.tenantA, to: server)
            let contact = try await Self.waitForExchange(fixture, phone: phone, wamid: "wamid.INTEROP.g0").contact
            // Clients that stay (they wait for events that never come) on every transport.
            for transports in ["polling", "websocket", "polling,websocket", "websocket"] {
                let sio = try Self.client("gauge-\(transports)", server, transports: transports, ["--join", contact.id, "--events", "1000"])
                clients.append(sio)
                Self.checkJoinAck(try await sio.wait(kind: "joined")[0], contactId: contact.id)
            }
            try await Self.waitForConnections(4, on: server)
            // One vanishes without a goodbye (its TCP connection is closed by the kernel).
            await clients[3].killHard()
            try await Self.waitForConnections(3, on: server)
            // The others disconnect properly (the driver ends its session on SIGTERM).
            for (index, c) in clients.prefix(3).enumerated() {
                await c.stop()
                #expect(c.lines(kind: "stopped").count == 1, "\(c.name): \(c.transcript)")
                try await Self.waitForConnections(Double(2 - index), on: server)
            }
        } catch {
            for c in clients { await c.stop() }
            print(server.log.suffix(6000))
            await server.terminate()
            await fake.stop()
            throw error
        }
        for c in clients { await c.stop() }
        await server.terminate()
        await fake.stop()
    }
}
