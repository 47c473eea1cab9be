import FCBTesting
import Foundation
import Testing

/// Two `fcb serve` processes on one PostgreSQL: a delivery processed by one reaches a dashboard
/// socket connected to the other (LISTEN/NOTIFY), in both directions, with exact payloads.
@Suite("Socket.IO fan-out: two instances on one PostgreSQL", .serialized)
struct SocketIOFanoutTests {
    typealias Interop = SocketIOInteropTests

    @Test("an event processed by A reaches a client on B, and B's reaches a client on A", .enabled(if: ServeCrashTests.postgresAvailable))
    func eventsCrossInstances() async throws {
        try await ServeCrashTests.withDatabase("postgres") { url in
            let fixture = try Interop.Fixture(postgresURL: url)
            defer { fixture.remove() }
            let fake = try await FakeGraphAPI.start()
            let a = try await Interop.startServe(fixture, fake: fake, tag: "fanout-a")
            let b = try await Interop.startServe(fixture, fake: fake, tag: "fanout-b")
            var clients: [SocketIOClientProcess] = []
            do {
                let phone = "5491177700077"
                try await Interop.post(
                    Interop.textDelivery(Interop.tenantA, phone: phone, wamid: "wamid.FANOUT.first", text: "hola"), tenant: Interop.tenantA, to: a)
                let (contact, _) = try await Interop.waitForExchange(fixture, phone: phone, wamid: "wamid.FANOUT.first")

                let onB = try Interop.client("fanout-on-b", b, transports: "websocket", ["--join", contact.id, "--events", "6"])
                clients.append(onB)
                let onA = try Interop.client("fanout-on-a", a, transports: "polling", ["--join", contact.id, "--events", "6"])
                clients.append(onA)
                for client in clients { _ = try await client.wait(kind: "joined") }

                // Processed by A (posted to A): B's client hears it through PostgreSQL.
                try await Interop.post(
                    Interop.textDelivery(Interop.tenantA, phone: phone, wamid: "wamid.FANOUT.second", text: "que tal"), tenant: Interop.tenantA, to: a)
                let onBEvents = try await onB.waitForEvents(5)
                let onAEvents = try await onA.waitForEvents(5)
                let (_, rows) = try await Interop.waitForExchange(fixture, phone: phone, wamid: "wamid.FANOUT.second")
                Interop.checkExchange(onBEvents.prefix(5), rows: rows)
                Interop.checkExchange(onAEvents.prefix(5), rows: rows)

                // A status posted to B: A's client hears it.
                let reply = rows[1]
                let wamid = try #require(reply.waMessageId)
                try await Interop.post(
                    Interop.statusDelivery(Interop.tenantA, phone: phone, wamid: wamid, status: "read", timestamp: 1_767_225_800), tenant: Interop.tenantA,
                    to: b)
                let expected = Interop.canonical([
                    "messageId": .string(reply.id), "waMessageId": .string(wamid), "status": "Read", "contactId": .string(contact.id),
                ])
                for client in clients {
                    let events = try await client.waitForEvents(6)
                    #expect(events.map(\.name) == ["message:new", "typing:start", "message:new", "message:new", "typing:stop", "message:status"])
                    #expect(events.count == 6)
                    if let last = events.last { #expect(Interop.canonical(last.data) == expected, "\(last.data)") }
                    #expect(await client.waitForExit() == 0)
                }
                // Each instance counts only its own sockets, and both drop back to zero.
                try await Interop.waitForConnections(0, on: a)
                try await Interop.waitForConnections(0, on: b)
            } catch {
                for client in clients { await client.stop() }
                print(a.log.suffix(4000))
                print(b.log.suffix(4000))
                await a.terminate()
                await b.terminate()
                await fake.stop()
                throw error
            }
            for client in clients { await client.stop() }
            await a.terminate()
            await b.terminate()
            await fake.stop()
        }
    }
}
