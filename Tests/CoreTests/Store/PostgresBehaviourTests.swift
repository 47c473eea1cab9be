import FCBStore
import FCBTesting
import FlowEngine
import Foundation
import Synchronization
import Testing

/// What only PostgreSQL does: time zones, NUL bytes, several instances, servers that go away.
@Suite("PostgreSQL behaviour", .enabled(if: PostgresTestSupport.isAvailable, "\(PostgresTestSupport.skipReason)"), .timeLimit(.minutes(2)))
struct PostgresBehaviourTests {
    @Test func timestampsAreUTCWhateverTheServerTimeZone() async throws {
        try await PostgresTestSupport.withDatabase { settings in
            let setup = try PostgresBackend.detached(settings: settings)
            try await PostgresTestSupport.applySharedSchema(setup)
            try await FCBSchema.install(on: setup)
            // The database's own default is São Paulo (UTC−3); fcb's sessions must still write UTC.
            try await setup.query(SQLQuery(unsafeSQL: "ALTER DATABASE \"\(settings.database ?? "")\" SET timezone TO 'America/Sao_Paulo'"))
            await setup.close()
            let store = SQLStore(database: try PostgresBackend.detached(settings: settings))
            defer { Task { await store.close() } }
            let sql = store
            let seed = try await Seed.insert(into: store)
            let row = try #require(
                try await sql.database.first(
                    #"SELECT "createdAt"::text AS t, current_setting('TimeZone') AS tz FROM "Contact" WHERE "id" = \#(seed.contact.id)"#))
            #expect(try row.string("t") == "2025-11-29 07:06:40.123")
            #expect(try row.string("tz") == "UTC")
            #expect(try await store.contact(id: seed.contact.id)?.createdAt == instant())
        }
    }

    @Test func nulCharactersAreStoredAsReplacementCharacters() async throws {
        try await withStore(.postgres) { store in
            let seed = try await Seed.insert(into: store)
            try await store.insertMessage(
                MessageRecord(
                    id: "cmsg00000000000000000001", direction: "inbound", content: "a\u{0}b", payload: ["text": "x\u{0}y"],
                    createdAt: instant(), contactId: seed.contact.id, userId: seed.user.id))
            let read = try #require(try await store.messages(contactId: seed.contact.id).first)
            #expect(read.content == "a\u{FFFD}b")
            #expect(read.payload == ["text": "x\u{FFFD}y"])
        }
    }

    /// Two stores on one database (two `fcb serve` processes) draining one inbox together.
    @Test func twoInstancesClaimEachItemOnceAndKeepContactOrder() async throws {
        try await PostgresTestSupport.withDatabase { settings in
            let setup = try PostgresBackend.detached(settings: settings)
            try await PostgresTestSupport.applySharedSchema(setup)
            try await FCBSchema.install(on: setup)
            await setup.close()
            let a = SQLStore(database: try PostgresBackend.detached(settings: settings))
            let b = SQLStore(database: try PostgresBackend.detached(settings: settings))
            let contacts = (0..<12).map { "contact-\($0)" }
            var items: [NewInboxItem] = []
            for n in 0..<240 {
                items.append(NewInboxItem(kind: .message, dedupeKey: "m\(n)", contactKey: contacts[n % contacts.count], payload: ["n": .number(Double(n))]))
            }
            _ = try await a.enqueue(items, receivedAt: instant(), requestId: nil)

            let ledger = Ledger()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, store) in [a, b, a, b].enumerated() {
                    group.addTask {
                        var idleRounds = 0
                        for _ in 0..<2_000 where idleRounds < 20 {  // bounded: stops by itself
                            let batch = try await store.claim(limit: 4, worker: "w\(index)", now: instant(1), lease: .seconds(60))
                            if batch.isEmpty {
                                idleRounds += 1
                                try await Task.sleep(for: .milliseconds(5))
                                continue
                            }
                            idleRounds = 0
                            for item in batch {
                                ledger.begin(item)
                                try await Task.sleep(for: .microseconds(200))
                                ledger.end(item)
                                #expect(try await store.complete(id: item.id, worker: "w\(index)", at: instant(2)))
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let result = ledger.snapshot()
            #expect(result.violations.isEmpty, "\(result.violations.prefix(3))")
            #expect(result.processed.count == 240)
            #expect(Set(result.processed.map(\.id)).count == 240)
            for contact in contacts {
                let ids = result.processed.filter { $0.contactKey == contact }.map(\.id)
                #expect(ids == ids.sorted(), "\(contact) out of order")
            }
            #expect(try await a.inboxCounts() == [.done: 240])
            await a.close()
            await b.close()
        }
    }

    @Test func unreachableServerIsAClearError() async throws {
        let backend = try PostgresBackend(
            settings: PostgresSettings(host: "127.0.0.1", port: 1, password: "x", database: "none", tls: .disable, connectTimeout: .seconds(1)),
            operationTimeout: .seconds(3))
        let error = try #require(await storeError { try await backend.query("SELECT 1") })
        #expect(error.kind == .unavailable)
        #expect(
            error.message.hasPrefix("cannot connect to database postgres://postgres:***@127.0.0.1:1/none (tls disable)")
                || error.message.contains("did not answer within 3 s"), "\(error.message)")
        await backend.close()
    }

    @Test func requiringTLSFromAServerWithoutItIsAClearError() async throws {
        var settings = try PostgresTestSupport.adminSettings()
        settings.tls = .require  // the test server runs without ssl
        let backend = try PostgresBackend.detached(settings: settings, operationTimeout: .seconds(5))
        let error = try #require(await storeError { try await backend.query("SELECT 1") })
        await backend.close()
        #expect(error.kind == .unavailable)
        #expect(error.message.hasSuffix("does not support TLS, but the URL requires it (sslmode)"), "\(error.message)")
    }

    /// Managed PostgreSQL: sslmode=require encrypts without checking; verify-full checks the chain
    /// and the host name against `sslrootcert`.
    @Test(.enabled(if: PrivatePostgresCluster.isAvailableWithTLS, "needs PostgreSQL binaries and openssl")) func tlsModesAgainstAServerWithACertificate()
        async throws
    {
        let cluster = try PrivatePostgresCluster.start(tls: true)
        defer { cluster.destroy() }
        func encrypted(_ settings: PostgresSettings) async throws -> Bool {
            let backend = try PostgresBackend.detached(settings: settings, operationTimeout: .seconds(5))
            defer { Task { await backend.close() } }
            let row = try #require(try await backend.first("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"))
            return try row.bool("ssl")
        }
        var require = cluster.settings
        require.tls = .require
        #expect(try await encrypted(require))
        var prefer = cluster.settings
        prefer.tls = .prefer
        #expect(try await encrypted(prefer))

        var untrusted = cluster.settings
        untrusted.tls = .verifyFull
        untrusted.host = "localhost"
        let backend = try PostgresBackend.detached(settings: untrusted, operationTimeout: .seconds(5))
        let error = try #require(await storeError { try await backend.query("SELECT 1") })
        await backend.close()
        #expect(error.kind == .unavailable && error.message.contains("TLS"), "\(error.message)")

        var trusted = untrusted
        trusted.rootCertificatePath = cluster.certificatePath
        #expect(try await encrypted(trusted))
        guard
            case .postgres(let fromURL) = try DatabaseURL(
                parsing: "postgres://postgres:\(cluster.password)@localhost:\(cluster.port)/postgres?sslmode=verify-full&sslrootcert=\(cluster.certificatePath)"
            )
        else { return }
        #expect(try await encrypted(fromURL))
    }

    @Test(.enabled(if: PrivatePostgresCluster.isAvailable)) func wrongPasswordAndMissingDatabaseAreClearErrors() async throws {
        let cluster = try PrivatePostgresCluster.start()
        defer { cluster.destroy() }
        var wrong = cluster.settings
        wrong.password = "not-the-password"
        let backend = try PostgresBackend.detached(settings: wrong, operationTimeout: .seconds(5))
        let error = try #require(await storeError { try await backend.query("SELECT 1") })
        await backend.close()
        #expect(error.kind == .unavailable)
        #expect(
            error.message.contains("refused the login") && error.message.contains("password authentication failed for user \"postgres\""), "\(error.message)")

        var missing = cluster.settings
        missing.database = "no_such_db"
        let other = try PostgresBackend.detached(settings: missing, operationTimeout: .seconds(5))
        let error2 = try #require(await storeError { try await other.query("SELECT 1") })
        await other.close()
        #expect(error2.kind == .unavailable && error2.message.contains("does not exist"), "\(error2.message)")
    }

    /// The database goes away mid-run (docs/targets.md#bad-input): a clear error, nothing
    /// half-written, and the store works again once the server is back.
    @Test(.enabled(if: PrivatePostgresCluster.isAvailable)) func serverStoppedMidOperation() async throws {
        let cluster = try PrivatePostgresCluster.start()
        defer { cluster.destroy() }
        let backend = try PostgresBackend.detached(settings: cluster.settings, operationTimeout: .seconds(4))
        try await PostgresTestSupport.applySharedSchema(backend)
        try await FCBSchema.install(on: backend)
        let store = SQLStore(database: backend)
        let seed = try await Seed.insert(into: store)

        // A transaction that has written one row when the server dies.
        let error = await storeError {
            try await backend.transaction { (db: any SQLExecutor) async throws(StoreError) in
                try await db.query(
                    #"INSERT INTO "Log" ("id", "status", "createdAt", "updatedAt", "contactId", "flowId") VALUES ('clog1', 'Sent', \#(instant()), \#(instant()), \#(seed.contact.id), \#(seed.flow.id))"#
                )
                do { try cluster.stopServer() } catch { throw StoreError(.invalid, "could not stop the test server: \(error)") }
                try await db.query(
                    #"INSERT INTO "Log" ("id", "status", "createdAt", "updatedAt", "contactId", "flowId") VALUES ('clog2', 'Sent', \#(instant()), \#(instant()), \#(seed.contact.id), \#(seed.flow.id))"#
                )
            }
        }
        #expect(error?.kind == .unavailable, "\(String(describing: error))")
        // While it is down: clear errors, bounded by the operation timeout.
        let down = await storeError {
            try await store.insertMessage(
                MessageRecord(id: "cmsg1", direction: "inbound", createdAt: instant(), contactId: seed.contact.id, userId: seed.user.id))
        }
        #expect(down?.kind == .unavailable, "\(String(describing: down))")

        try cluster.startServer()
        var logs: [LogRecord] = []
        for _ in 0..<50 {  // the pool reconnects with backoff
            if let read = try? await store.logs(contactId: seed.contact.id) {
                logs = read
                break
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(logs.isEmpty, "the half-done transaction left rows: \(logs.map(\.id))")
        #expect(try await store.messages(contactId: seed.contact.id).isEmpty)
        try await store.insertMessage(MessageRecord(id: "cmsg2", direction: "inbound", createdAt: instant(), contactId: seed.contact.id, userId: seed.user.id))
        #expect(try await store.messages(contactId: seed.contact.id).map(\.id) == ["cmsg2"])
        await store.close()
    }
}

/// Records what concurrent workers process, and any contact that had two items in flight.
final class Ledger: Sendable {
    struct State {
        var inFlight: Set<String> = []
        var processed: [InboxItem] = []
        var violations: [String] = []
    }

    private let state = Mutex(State())

    func begin(_ item: InboxItem) {
        state.withLock { s in
            if !s.inFlight.insert(item.contactKey).inserted { s.violations.append("\(item.contactKey) had two items in flight (\(item.id))") }
        }
    }

    func end(_ item: InboxItem) {
        state.withLock { s in
            s.inFlight.remove(item.contactKey)
            s.processed.append(item)
        }
    }

    func snapshot() -> State { state.withLock { $0 } }
}
