import FCBTesting
import Foundation
import Testing

@testable import FCBSimulator
@testable import FCBStore
@testable import FlowEngine

/// `fcb simulate --db`: the conversation kept in a SQLite file between simulator instances.
@Suite("Simulator on a SQLite file (--db)")
struct SimulatorDatabaseTests {
    /// A fresh folder per test, removed at the end.
    final class Folder {
        let path: String
        init() throws {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("fcb-simdb-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }
        deinit { try? FileManager.default.removeItem(atPath: path) }
    }

    static func configuration(_ flows: [String], db: String, from: String? = nil) throws -> SimulatorConfiguration {
        var configuration = try SimulatorSetup.configuration(SimulatorOptions(flowPaths: flows.map(SimRepo.path), from: from, db: db))
        configuration.api = RefusingAPIClient()
        return configuration
    }

    static func simulator(_ db: String, flows: [String] = ["examples/flows/seed-options.json"], from: String? = nil) async throws -> Simulator {
        try await Simulator(configuration: configuration(flows, db: db, from: from))
    }

    static func texts(_ lines: [SimulatorLine]) -> [String] { lines.map(\.text) }

    static let start = SimulatorSettings.defaultClockStart

    @Test func theSecondRunResumesTheFirstRunsSession() async throws {
        let folder = try Folder()
        let db = folder.file("sim.sqlite")

        let first = try await Self.simulator(db)
        #expect(Self.texts(first.startNotice) == ["💾 \(db): a new conversation with +5491100000000"])
        #expect(await first.now() == Self.start)
        #expect(
            SimFixture.texts(await first.send("Hola")) == [
                "bot: Welcome! How can I help?",
                "bot: Please select an option:",
                "       [1] Option 1",
                "       [2] Option 2",
            ])
        let contact = first.contact
        await first.close()

        let second = try await Self.simulator(db)
        #expect(
            Self.texts(second.startNotice) == [
                "💾 \(db): resuming session seed-options, Paused at node n3 (options), last activity 2026-01-01T00:00:00.000Z",
                "   the last bot message's choices still work: [1] Option 1 · [2] Option 2",
            ])
        #expect(second.contact == contact)
        // The virtual clock continues one second after the last stored activity.
        #expect(await second.now() == Self.start.addingTimeInterval(1))
        // The restored choices: /click works on a message the first run sent.
        #expect(SimFixture.texts(await second.send("/click 2")) == ["bot: You chose option 2", "🏁 ended (completed)"])
        await second.close()

        // Everything is in the file, read back through the storage layer.
        let store = try await SQLStore.openDetached(.sqlite(path: db))
        let user = try #require(try await store.user(id: Simulator.userId))
        #expect(user.email == "simulator@fcb.local")
        let stored = try #require(try await store.contact(phone: "5491100000000"))
        #expect(stored == contact)
        #expect(stored.userId == Simulator.userId)
        #expect(stored.id.hasPrefix("c") && stored.id.count == 25 && !stored.id.hasPrefix("csim"))
        let flow = try #require(try await store.flow(id: "seed-options"))
        #expect(flow.status == "Active")
        #expect(flow.userId == Simulator.userId)
        let sessions = try await store.sessions(contactId: contact.id)
        #expect(sessions.count == 1)
        let session = try #require(sessions.first)
        #expect(session.flowId == "seed-options")
        #expect(session.status == "Completed")
        #expect(session.currentNodeId == nil)
        #expect(session.createdAt == Self.start)
        #expect(session.updatedAt == Self.start.addingTimeInterval(1))
        #expect(session.context?["lastInteractiveId"] == "option_2")
        let messages = try await store.messages(contactId: contact.id)
        #expect(messages.map(\.content) == ["Welcome! How can I help?", "Please select an option:", "You chose option 2"])
        #expect(messages.map(\.direction) == ["outbound", "outbound", "outbound"])
        #expect(messages.map(\.type) == ["text", "interactive", "text"])
        #expect(messages.map(\.status) == ["Sent", "Sent", "Sent"])
        #expect(messages.map(\.createdAt) == [Self.start, Self.start, Self.start.addingTimeInterval(1)])
        #expect(messages.allSatisfy { $0.sessionId == session.id && $0.userId == Simulator.userId })
        let wamids = messages.compactMap(\.waMessageId)
        #expect(wamids.count == 3 && Set(wamids).count == 3)
        #expect(wamids.allSatisfy { $0.hasPrefix("wamid.SIM.c") })
        await store.close()
    }

    @Test func resetCompletesTheSessionInTheFile() async throws {
        let folder = try Folder()
        let db = folder.file("reset.sqlite")
        let first = try await Self.simulator(db)
        _ = await first.send("Hola")
        await first.close()

        let second = try await Self.simulator(db)
        #expect(
            SimFixture.texts(await second.send("/reset")) == ["↺ session seed-options completed: the next message starts over with a fresh context"])
        await second.close()

        let store = try await SQLStore.openDetached(.sqlite(path: db))
        let contact = try #require(try await store.contact(phone: "5491100000000"))
        let reset = try await store.sessions(contactId: contact.id)
        #expect(reset.map(\.status) == ["Completed"])
        #expect(reset.first?.currentNodeId == nil)
        #expect(try await store.openSession(contactId: contact.id) == nil)
        await store.close()

        // The third run finds no open session, and the next message restarts the same row.
        let third = try await Self.simulator(db)
        #expect(
            Self.texts(third.startNotice) == [
                "💾 \(db): +5491100000000 has no open session (last session: seed-options, Completed); the next message starts one"
            ])
        #expect(SimFixture.texts(await third.send("/click 1")) == ["✖ the last bot message has no buttons or list rows to click"])
        _ = await third.send("Hola")
        let restarted = try await third.sessions()
        #expect(restarted.map(\.status) == ["Paused"])
        #expect(restarted.map(\.id) == reset.map(\.id))
        await third.close()
    }

    @Test func flowsNotGivenAgainAreSetInactive() async throws {
        let folder = try Folder()
        let db = folder.file("flows.sqlite")
        let first = try await Self.simulator(db)
        _ = await first.send("Hola")
        await first.close()

        let second = try await Self.simulator(db, flows: ["examples/flows/soporte-menu.json"])
        #expect(
            Self.texts(second.startNotice) == [
                "💾 \(db): the open session of flow seed-options is not resumed (that flow is not given now); the next message starts one"
            ])
        #expect(try await second.store.flow(id: "seed-options")?.status == "Inactive")
        #expect(try await second.store.activeFlows(userId: Simulator.userId).map(\.id) == ["soporte-menu"])
        // "Hola" no longer reaches seed-options: soporte-menu is the only Active flow.
        let reply = SimFixture.texts(await second.send("Hola"))
        #expect(reply.first?.hasPrefix("bot: ¡Hola! 👋 Soy el asistente") == true)
        #expect(try await second.sessions().map(\.flowId) == ["seed-options", "soporte-menu"])
        await second.close()
    }

    @Test func badPathsAreClearErrors() async throws {
        let folder = try Folder()
        let missing = folder.file("no/such/dir/sim.sqlite")
        let notADatabase = folder.file("notes.txt")
        try Data("these are notes, not a database\n".utf8).write(to: URL(fileURLWithPath: notADatabase))
        let cases: [(String, String)] = [
            (missing, "--db \(missing): cannot open sqlite:\(missing): directory \(folder.file("no/such/dir")) does not exist"),
            (folder.path, "--db \(folder.path): is a directory; give the path of a SQLite file, e.g. --db \(folder.file("sim.sqlite"))"),
            ("", "--db needs the path of a SQLite file, e.g. --db sim.sqlite"),
        ]
        for (path, message) in cases {
            await #expect(throws: SimulatorError(message)) { try await Self.simulator(path) }
        }
        do {
            _ = try await Self.simulator(notADatabase)
            Issue.record("a text file opened as a database")
        } catch {
            #expect("\(error)".hasPrefix("--db \(notADatabase): "))
            #expect("\(error)".contains("file is not a database"))
        }
        // The text file is left as it was.
        #expect(try String(contentsOfFile: notADatabase, encoding: .utf8) == "these are notes, not a database\n")
    }

    @Test func checkRefusesADatabase() throws {
        let seed = SimRepo.path("examples/flows/seed-options.json")
        let transcript = try Transcript.parse("# fcb simulate transcript v1\n> Hola\n")
        #expect(throws: SimulatorError(SimulatorSetup.checkWithDatabase)) {
            try SimulatorSetup.configuration(SimulatorOptions(flowPaths: [seed], db: "x.sqlite"), transcript: transcript)
        }
        #expect(
            SimulatorSetup.checkWithDatabase
                == "--check replays a transcript from an empty conversation, and a --db file keeps the state of earlier runs; leave out --db")
    }

    @Test func rowsOfAnotherUserAreRefusedAndNothingIsWritten() async throws {
        let folder = try Folder()
        let db = folder.file("tenant.sqlite")
        let store = try await SQLStore.openDetached(.sqlite(path: db))
        try await store.insertUser(UserRecord(id: "u1", email: "ada@example.com", createdAt: Self.start, updatedAt: Self.start))
        try await store.insertContact(ContactRecord(id: "k1", phone: "5491155550000", createdAt: Self.start, updatedAt: Self.start, userId: "u1"))
        await store.close()

        await #expect(
            throws: SimulatorError(
                "--db \(db): the phone +5491155550000 belongs to contact k1 of user u1, not to the simulator's user sim-user; use another --from or another file"
            )
        ) { try await Self.simulator(db, from: "5491155550000") }

        let after = try await SQLStore.openDetached(.sqlite(path: db))
        #expect(try await after.user(id: Simulator.userId) == nil)
        #expect(try await after.flow(id: "seed-options") == nil)
        // A flow id of another user is refused too (the upsert would take the row over).
        try await after.saveFlow(FlowRecord(id: "seed-options", name: "Seed", status: "Draft", createdAt: Self.start, updatedAt: Self.start, userId: "u1"))
        await after.close()
        await #expect(
            throws: SimulatorError("--db \(db): flow id \"seed-options\" belongs to user u1, not to the simulator's user sim-user; use another file")
        ) { try await Self.simulator(db) }

        let last = try await SQLStore.openDetached(.sqlite(path: db))
        #expect(try await last.user(id: Simulator.userId) == nil)
        #expect(try await last.contact(phone: SimulatorSettings.defaultPhone) == nil)
        #expect(try await last.flow(id: "seed-options")?.userId == "u1")
        await last.close()
    }
}
