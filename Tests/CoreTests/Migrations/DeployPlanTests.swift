import Foundation
import Testing

@testable import FCBStore

@Suite("migrate-deploy plans")
struct DeployPlanTests {
    typealias F = MigrationFixture

    let directory = MigrationDirectory(path: "m", provider: "postgresql", migrations: F.all)

    func plan(_ database: DatabaseMigrationState, _ options: DeployOptions = DeployOptions()) throws(DeployRefusal) -> DeployPlan {
        try DeployPlan.make(directory: directory, database: database, options: options)
    }

    func refusal(_ database: DatabaseMigrationState, _ options: DeployOptions = DeployOptions()) -> DeployRefusal? {
        do {
            _ = try plan(database, options)
            return nil
        } catch {
            return error
        }
    }

    @Test func emptyUnmanagedDatabaseGetsTheTableAndEverything() throws {
        let plan = try plan(.unmanaged(existingTables: []))
        #expect(plan == DeployPlan(createsMigrationsTable: true, baseline: [], toApply: F.all, warnings: []))
    }

    @Test func nonEmptyUnmanagedDatabaseIsRefusedWithP3005() {
        #expect(
            refusal(.unmanaged(existingTables: ["User"]))
                == DeployRefusal(
                    code: "P3005",
                    message:
                        "The database schema is not empty. Read more about how to baseline an existing production database: https://pris.ly/d/migrate-baseline"
                ))
    }

    @Test func baselineRecordsUpToTheTargetAndAppliesTheRest() throws {
        let plan = try plan(.unmanaged(existingTables: ["User"]), DeployOptions(baselineThrough: F.second.name))
        #expect(plan == DeployPlan(createsMigrationsTable: true, baseline: [F.first, F.second], toApply: [F.third], warnings: []))
    }

    @Test func baselineOfTheRepositoryFolderRunsFcbsMigration() throws {
        let repository = try MigrationDirectory.load(from: F.repositoryMigrations)
        let plan = try DeployPlan.make(
            directory: repository, database: .unmanaged(existingTables: MigrationScenario.dbPushTables),
            options: DeployOptions(baselineThrough: "20250917000000_add_meta_phone_pin"))
        #expect(plan.baseline.map(\.name) == SharedMigrations.dashboard)
        #expect(plan.toApply.map(\.name) == [SharedMigrations.completeSharedSchema])
    }

    @Test func baselineTargetMustExist() {
        #expect(
            refusal(.unmanaged(existingTables: ["User"]), DeployOptions(baselineThrough: "2025_nope"))
                == DeployRefusal(
                    code: "P3017",
                    message:
                        "The migration 2025_nope could not be found. Please make sure that the migration exists, and that you included the whole name of the directory. (example: \"20201207184859_initial_migration\")"
                ))
    }

    @Test func baselineIsIgnoredOnEmptyOrManagedDatabases() throws {
        let empty = try plan(.unmanaged(existingTables: []), DeployOptions(baselineThrough: F.first.name))
        #expect(empty.toApply == F.all)
        #expect(empty.baseline.isEmpty)
        #expect(empty.warnings == ["The database is empty, so every migration is applied instead of baselined."])
        let managed = try plan(.managed([F.applied(F.first, minute: 0)]), DeployOptions(baselineThrough: F.first.name))
        #expect(managed.toApply == [F.second, F.third])
        #expect(managed.warnings == ["The database is already managed by Prisma Migrate; --baseline is ignored."])
    }

    @Test func appliesOnlyWhatIsNotApplied() throws {
        let plan = try plan(.managed([F.applied(F.first, minute: 0), F.applied(F.second, minute: 1)]))
        #expect(plan == DeployPlan(createsMigrationsTable: false, baseline: [], toApply: [F.third], warnings: []))
        #expect(!plan.isEmpty)
    }

    @Test func nothingToDoWhenAllApplied() throws {
        let plan = try plan(.managed(F.all.enumerated().map { F.applied($1, minute: Double($0)) }))
        #expect(plan.isEmpty)
        #expect(plan.warnings.isEmpty)
    }

    @Test func rolledBackMigrationsAreAppliedAgain() throws {
        let rows = [F.applied(F.first, minute: 0), F.rolledBack(F.failed(F.second, minute: 1), minute: 2)]
        #expect(try plan(.managed(rows)).toApply == [F.second, F.third])
    }

    @Test func failedMigrationsRefuseWithPrismasP3009() {
        var failed = F.failed(F.second, minute: 1, logs: "  first line\nsecond line\n\n")
        failed.startedAt = Date(timeIntervalSince1970: 1_764_583_260.334688)
        let bare = F.failed(F.third, minute: 2, logs: "")
        #expect(
            refusal(.managed([F.applied(F.first, minute: 0), failed, bare]))
                == DeployRefusal(
                    code: "P3009",
                    message: """
                        migrate found failed migrations in the target database, new migrations will not be applied. \
                        Read more about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve
                        The `20250201000000_add_b` migration started at 2025-12-01 10:01:00.334688 UTC failed with the following logs:
                        first line
                        second line
                        The `20250301000000_add_c` migration started at 2025-12-01 10:02:00 UTC failed

                        """))
    }

    @Test func editedMigrationsOnlyWarn() throws {
        var edited = F.applied(F.first, minute: 0)
        edited.checksum = MigrationChecksum(of: "other").hex
        let plan = try plan(.managed([edited]))
        #expect(plan.toApply == [F.second, F.third])
        #expect(plan.warnings == ["Migration `20250101000000_init` was modified after it was applied; it is not applied again."])
    }

    @Test func divergedHistoryIsRefusedUnlessAllowed() throws {
        let rows = [F.applied(F.first, minute: 0), F.applied(name: "20250115000000_dashboard", minute: 1)]
        #expect(
            refusal(.managed(rows))
                == DeployRefusal(
                    code: "FCB_DIVERGED",
                    message:
                        "The database's migration history and the local one have diverged: 20250115000000_dashboard is applied but not found locally, while 20250201000000_add_b, 20250301000000_add_c are not applied. Bring the migrations folder in line with the dashboard's before deploying."
                ))
        let allowed = try plan(.managed(rows), DeployOptions(allowDivergedHistory: true))
        #expect(allowed.toApply == [F.second, F.third])
        #expect(allowed.warnings == ["Applied but not found locally: 20250115000000_dashboard."])
    }

    @Test func unknownMigrationsWithNothingToApplyOnlyWarn() throws {
        let rows = F.all.enumerated().map { F.applied($1, minute: Double($0)) } + [F.applied(name: "20250401000000_newer", minute: 9)]
        let plan = try plan(.managed(rows))
        #expect(plan.isEmpty)
        #expect(plan.warnings == ["Applied but not found locally: 20250401000000_newer."])
    }

    @Test func providerMustMatchTheLockFile() {
        let sqlite = MigrationDirectory(path: "m", provider: "sqlite", migrations: F.all)
        #expect(throws: DeployRefusal.self) { try DeployPlan.make(directory: sqlite, database: .unmanaged(existingTables: [])) }
        do {
            _ = try DeployPlan.make(directory: sqlite, database: .unmanaged(existingTables: []))
        } catch {
            #expect(error.code == "P3019")
            #expect(
                error.message
                    == "The datasource provider `postgresql` specified in your schema does not match the one specified in the migration_lock.toml, `sqlite`. Please remove your current migration directory and start a new migration history with prisma migrate dev. Read more: https://pris.ly/d/migrate-provider-switch"
            )
        }
        let unlocked = MigrationDirectory(path: "m", provider: nil, migrations: F.all)
        #expect((try? DeployPlan.make(directory: unlocked, database: .unmanaged(existingTables: []))) != nil)
    }
}
