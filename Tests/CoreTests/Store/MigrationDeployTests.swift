import FCBStore
import FCBTesting
import FlowEngine
import Foundation
import Testing

/// `migrate-deploy` / `migrate-status` against a real PostgreSQL: the live catalog after deploy
/// must equal the schema Prisma lays out for the dashboard's schema.prisma, column by column.
@Suite("Migrations on PostgreSQL", .enabled(if: PostgresTestSupport.isAvailable, "\(PostgresTestSupport.skipReason)"), .timeLimit(.minutes(2)))
struct MigrationDeployTests {
    static let repository: MigrationDirectory = {
        do { return try MigrationDirectory.load(from: repositoryRoot.appendingPathComponent("prisma/migrations").path) } catch {
            Issue.record("cannot load prisma/migrations: \(error)")
            return MigrationDirectory(path: "", provider: nil, migrations: [])
        }
    }()
    static let five = "20250917000000_add_meta_phone_pin"

    func withRunner(_ body: (MigrationRunner) async throws -> Void) async throws {
        try await PostgresTestSupport.withDatabase { settings in
            let backend = try PostgresBackend.detached(settings: settings)
            do {
                try await body(MigrationRunner(database: backend))
                await backend.close()
            } catch {
                await backend.close()
                throw error
            }
        }
    }

    func directory(_ migrations: [LocalMigration]) -> MigrationDirectory {
        MigrationDirectory(path: "test", provider: "postgresql", migrations: migrations)
    }

    @Test func freshDatabaseDeploysTheWholeSchemaExactly() async throws {
        try await withRunner { runner in
            let before = try await runner.status(directory: Self.repository)
            #expect(before.exitCode == 1)
            #expect(before.count(.pending) == 6)

            let report = try await runner.deploy(directory: Self.repository)
            #expect(report.createdMigrationsTable)
            #expect(report.applied == Self.repository.migrations.map(\.name))
            #expect(report.fcbSchemaApplied == [1, 2, 3, 4])

            let differences = SchemaDiff.diff(expected: ExpectedSchema.catalog, actual: try await runner.catalog())
            #expect(differences.isEmpty, "\(differences.map(\.description))")

            let after = try await runner.status(directory: Self.repository)
            #expect(after.inSync && after.exitCode == 0 && after.count(.applied) == 6)

            // Rows as Prisma writes them.
            guard case .managed(let rows) = try await runner.databaseState() else {
                Issue.record("not managed")
                return
            }
            #expect(rows.map(\.migrationName) == Self.repository.migrations.map(\.name))
            #expect(rows.map(\.checksum) == Self.repository.migrations.map(\.checksum.hex))
            #expect(rows.allSatisfy { $0.appliedStepsCount == 1 && $0.finishedAt != nil && $0.logs == nil && $0.rolledBackAt == nil })
            #expect(rows.allSatisfy { $0.id.count == 36 && $0.id == $0.id.lowercased() && UUID(uuidString: $0.id) != nil })

            let again = try await runner.deploy(directory: Self.repository)
            #expect(again == DeployReport())
        }
    }

    @Test func databaseMigratedByTheDashboardGetsOnlyOurMigration() async throws {
        try await withRunner { runner in
            let dashboardFive = Array(Self.repository.migrations.prefix(5))
            #expect(dashboardFive.last?.name == Self.five)
            _ = try await runner.deploy(directory: directory(dashboardFive))
            let midway = try await runner.status(directory: Self.repository)
            #expect(midway.count(.pending) == 1 && midway.exitCode == 1)

            let report = try await runner.deploy(directory: Self.repository)
            #expect(report.applied == ["20251201000000_complete_shared_schema"])
            #expect(SchemaDiff.diff(expected: ExpectedSchema.catalog, actual: try await runner.catalog()).isEmpty)
            #expect(try await runner.status(directory: Self.repository).inSync)
        }
    }

    @Test func dbPushDatabaseIsRefusedThenBaselined() async throws {
        try await withRunner { runner in
            // `prisma db push`: the tables, no history.
            for migration in Self.repository.migrations {
                try await runner.database.transaction { (db: any SQLExecutor) async throws(StoreError) in
                    try await (db as? any SQLScriptRunner)?.runScript(migration.script)
                }
            }
            let status = try await runner.status(directory: Self.repository)
            #expect(status.exitCode == 1)
            guard case .unmanaged(let tables) = status.management else {
                Issue.record("expected unmanaged")
                return
            }
            #expect(tables.contains("Message"))

            await #expect(throws: DeployFailure.self) { try await runner.deploy(directory: Self.repository) }
            do throws(DeployFailure) {
                _ = try await runner.deploy(directory: Self.repository)
            } catch .refused(let refusal) {
                #expect(refusal.code == "P3005")
            } catch {
                Issue.record("unexpected \(error)")
            }

            let report = try await runner.deploy(directory: Self.repository, options: DeployOptions(baselineThrough: Self.five))
            #expect(report.baselined.count == 5)
            #expect(report.applied == ["20251201000000_complete_shared_schema"])  // idempotent over the pushed tables
            #expect(SchemaDiff.diff(expected: ExpectedSchema.catalog, actual: try await runner.catalog()).isEmpty)
            #expect(try await runner.status(directory: Self.repository).inSync)
        }
    }

    @Test func failedMigrationIsRolledBackRecordedAndBlocksLaterDeploys() async throws {
        try await withRunner { runner in
            _ = try await runner.deploy(directory: Self.repository)
            let broken = LocalMigration(
                name: "20260101000000_broken",
                script: "-- CreateTable\nCREATE TABLE \"Half\" (\"id\" TEXT NOT NULL);\n\n-- AlterTable\nALTER TABLE \"Nope\" ADD COLUMN \"x\" TEXT;\n")
            let withBroken = directory(Self.repository.migrations + [broken])
            do throws(DeployFailure) {
                _ = try await runner.deploy(directory: withBroken)
                Issue.record("the broken migration was applied")
            } catch .migrationFailed(let name, let error, let logs, _) {
                #expect(name == broken.name)
                #expect(error.report?.code == "42P01")
                #expect(logs.contains("42P01"), "\(logs)")
                #expect(logs.contains(#"relation "Nope" does not exist"#), "\(logs)")
            } catch {
                Issue.record("unexpected \(error)")
            }
            // Rolled back: the table the migration created first is gone.
            let half = try await runner.database.first("SELECT to_regclass('\"Half\"') IS NOT NULL AS present")
            #expect(try half?.bool("present") == false)

            let status = try await runner.status(directory: withBroken)
            #expect(status.migrations.last?.state == .failed && status.exitCode == 1)
            guard case .managed(let rows) = try await runner.databaseState() else { return }
            let failed = try #require(rows.last)
            #expect(failed.migrationName == broken.name && failed.finishedAt == nil && failed.appliedStepsCount == 0 && failed.logs != nil)

            do throws(DeployFailure) {
                _ = try await runner.deploy(directory: withBroken)
                Issue.record("deploy went on over a failed migration")
            } catch .refused(let refusal) {
                #expect(refusal.code == "P3009")
            } catch {
                Issue.record("unexpected \(error)")
            }

            // Resolved as rolled back (what `prisma migrate resolve --rolled-back` writes): status says so.
            try await runner.database.query("UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = \(broken.name)")
            #expect(try await runner.status(directory: withBroken).migrations.last?.state == .rolledBack)
        }
    }

    @Test func editedAndMissingMigrationsAreReported() async throws {
        try await withRunner { runner in
            _ = try await runner.deploy(directory: Self.repository)
            var edited = Self.repository.migrations
            let last = edited.removeLast()
            edited.append(LocalMigration(name: last.name, script: last.script + "\n-- edited after apply\n"))
            let status = try await runner.status(directory: directory(edited))
            #expect(status.migrations.last?.state == .editedAfterApply && status.exitCode == 1)

            // CRLF line endings of the same file still match.
            var crlf = Self.repository.migrations
            let lf = crlf.removeLast()
            crlf.append(LocalMigration(name: lf.name, script: lf.script.replacingOccurrences(of: "\n", with: "\r\n")))
            #expect(try await runner.status(directory: directory(crlf)).inSync)

            let missing = try await runner.status(directory: directory(Array(Self.repository.migrations.prefix(5))))
            #expect(missing.migrations.contains { $0.state == .missingLocally } && missing.exitCode == 1)
        }
    }
}
