import FCBStore
import FCBTesting
import Foundation
import Testing

@Suite("fcb migrate-status / migrate-deploy", .serialized)
struct MigrateCommandTests {
    func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("fcb-cli-\(UUID().uuidString.prefix(8))-\(name)").path
    }

    @Test func sqliteStatusDeployStatus() throws {
        let path = temporaryPath("db.sqlite")
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let url = "sqlite:\(path)"

        let missing = try CLI.run(["migrate-status", "--database-url", url])
        #expect(missing.status == 1)
        #expect(
            missing.stdout
                == "Database: \(url) (SQLite: fcb's embedded schema, no Prisma migration history)\nSchema: not created (latest version 4).\nRun `fcb migrate-deploy` (or start `fcb serve`) to create it.\n"
        )
        #expect(!FileManager.default.fileExists(atPath: path), "status must not create the database")

        let deploy = try CLI.run(["migrate-deploy"], environment: ["DATABASE_URL": url])
        #expect(deploy.status == 0)
        #expect(deploy.stdout == "Database: \(url)\nfcb schema: applied versions 1, 2, 3, 4.\n")

        let status = try CLI.run(["migrate-status", "--database-url", url, "--json"])
        #expect(status.status == 0)
        #expect(status.stdout.contains(#""inSync": true"#) && status.stdout.contains(#""current": 4"#))
        let again = try CLI.run(["migrate-deploy", "--database-url", url])
        #expect(again.stdout == "Database: \(url)\nNothing to apply: the database is up to date.\n")
    }

    @Test(arguments: [
        (
            "mysql://root@h/db",
            "error: --database-url: unsupported database URL scheme \"mysql\": use postgres://, postgresql://, sqlite:PATH or sqlite::memory:\n"
        ),
        (
            "postgres://u@127.0.0.1:1/x?sslmode=disable",
            "error: cannot connect to database postgres://u@127.0.0.1:1/x (tls disable): connection refused (is the server running and listening there?)\n"
        ),
    ])
    func unusableDatabasesExitTwo(url: String, message: String) throws {
        let result = try CLI.run(["migrate-status", "--database-url", url])
        #expect(result.status == 2)
        #expect(result.stderr == message)
    }

    @Test func missingMigrationsFolderExitsTwo() throws {
        let result = try CLI.run(["migrate-deploy", "--database-url", "postgres://u@127.0.0.1:1/x", "--migrations", "/nonexistent/migrations"])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("error: ") && result.stderr.contains("/nonexistent/migrations"))
    }

    /// The states of docs/migrations.md#fcb-migrate-status through the binary, on a real server.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["FCB_TEST_POSTGRES_URL"] != nil, "PostgreSQL CLI test skipped: FCB_TEST_POSTGRES_URL is not set"))
    func postgresStatesThroughTheBinary() async throws {
        guard let admin = ProcessInfo.processInfo.environment["FCB_TEST_POSTGRES_URL"], case .postgres(var settings) = try DatabaseURL(parsing: admin) else {
            return
        }
        let name = "fcb_cli_\(UUID().uuidString.prefix(8).lowercased())"
        let backend = try PostgresBackend.detached(settings: settings, operationTimeout: .seconds(60))  // CREATE DATABASE under the suite's load
        try await backend.query(SQLQuery(unsafeSQL: "CREATE DATABASE \"\(name)\""))
        settings.database = name
        let url = "postgres://\(settings.username)@\(settings.host):\(settings.port)/\(name)?sslmode=disable"
        defer {
            Task {
                _ = try? await backend.query(SQLQuery(unsafeSQL: "DROP DATABASE \"\(name)\" WITH (FORCE)"))
                await backend.close()
            }
        }

        let fresh = try CLI.run(["migrate-status", "--database-url", url])
        #expect(fresh.status == 1)
        #expect(fresh.stdout.contains("20251201000000_complete_shared_schema"), "\(fresh.stdout)")

        let deploy = try CLI.run(["migrate-deploy", "--database-url", url])
        #expect(deploy.status == 0, "\(deploy.stderr)")
        #expect(deploy.stdout.contains("Applied 20251201000000_complete_shared_schema\n") && deploy.stdout.contains("6 migrations applied.\n"))

        let synced = try CLI.run(["migrate-status", "--database-url", url, "--json"])
        #expect(synced.status == 0, "\(synced.stdout)")
        #expect(synced.stdout.contains(#""inSync": true"#))

        // A broken local migration: deploy fails, rolls back, records it; status reports it.
        let folder = temporaryPath("migrations")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.copyItem(atPath: CLI.root.appendingPathComponent("prisma/migrations").path, toPath: folder)
        try FileManager.default.createDirectory(atPath: "\(folder)/20260101000000_broken", withIntermediateDirectories: true)
        try "ALTER TABLE \"Nope\" ADD COLUMN \"x\" TEXT;\n".write(toFile: "\(folder)/20260101000000_broken/migration.sql", atomically: true, encoding: .utf8)
        let failed = try CLI.run(["migrate-deploy", "--database-url", url, "--migrations", folder])
        #expect(failed.status == 1)
        #expect(failed.stderr.hasPrefix("error: migration `20260101000000_broken` failed and was rolled back; it is recorded as failed."), "\(failed.stderr)")
        let failedStatus = try CLI.run(["migrate-status", "--database-url", url, "--migrations", folder])
        #expect(failedStatus.status == 1)
        #expect(failedStatus.stdout.contains("20260101000000_broken"))
        let refused = try CLI.run(["migrate-deploy", "--database-url", url, "--migrations", folder])
        #expect(refused.status == 1)
        #expect(refused.stderr.hasPrefix("error: P3009: "), "\(refused.stderr)")
    }
}
