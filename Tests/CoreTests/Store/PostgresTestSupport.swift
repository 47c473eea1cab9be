import FCBStore
import FCBTesting
import FlowEngine
import Foundation

/// Access to the PostgreSQL server `scripts/with-postgres` starts (FCB_TEST_POSTGRES_URL).
/// Each test gets a database of its own, created here and dropped afterwards.
enum PostgresTestSupport {
    static let adminURL: String? = ProcessInfo.processInfo.environment["FCB_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

    static var isAvailable: Bool { adminURL != nil }

    static let skipReason = "PostgreSQL tests skipped: FCB_TEST_POSTGRES_URL is not set (run scripts/test, which starts a throwaway server)"

    static func adminSettings() throws -> PostgresSettings {
        guard let adminURL, case .postgres(let settings) = try DatabaseURL(parsing: adminURL) else {
            throw StoreError(.unavailable, "\(skipReason)")
        }
        return settings
    }

    /// A new empty database; `body` gets its settings; the database is dropped afterwards.
    static func withDatabase<T>(_ body: (PostgresSettings) async throws -> T) async throws -> T {
        let admin = try adminSettings()
        let name = "fcb_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        // CREATE and DROP DATABASE copy or remove a whole database: with the suite's other
        // databases busy on the same small server they can take longer than a query's 10 s.
        let adminBackend = try PostgresBackend.detached(settings: admin, operationTimeout: .seconds(60))
        // Identifiers cannot be bound; the name is ours (hex), never external input.
        try await adminBackend.query(SQLQuery(unsafeSQL: "CREATE DATABASE \"\(name)\""))
        var settings = admin
        settings.database = name
        settings.maximumConnections = 4
        do {
            let result = try await body(settings)
            _ = try? await adminBackend.query(SQLQuery(unsafeSQL: "DROP DATABASE \"\(name)\" WITH (FORCE)"))
            await adminBackend.close()
            return result
        } catch {
            _ = try? await adminBackend.query(SQLQuery(unsafeSQL: "DROP DATABASE \"\(name)\" WITH (FORCE)"))
            await adminBackend.close()
            throw error
        }
    }

    /// Applies `prisma/migrations` in order, each in a transaction (what `fcb migrate-deploy`
    /// does, without the bookkeeping), so stores find the dashboard's whole schema.
    static func applySharedSchema(_ backend: PostgresBackend) async throws {
        let directory = repositoryRoot.appendingPathComponent("prisma/migrations")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { FileManager.default.fileExists(atPath: directory.appendingPathComponent("\($0)/migration.sql").path) }
            .sorted()
        for name in names {
            let sql = try String(contentsOf: directory.appendingPathComponent("\(name)/migration.sql"), encoding: .utf8)
            try await backend.transaction { (db: any SQLExecutor) async throws(StoreError) in
                guard let runner = db as? any SQLScriptRunner else { throw StoreError(.invalid, "no script runner") }
                try await runner.runScript(sql)
            }
        }
    }
}
