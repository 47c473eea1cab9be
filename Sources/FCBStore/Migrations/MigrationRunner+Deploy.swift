import FlowEngine
import Foundation

/// What one `migrate-deploy` did.
package struct DeployReport: Sendable, Equatable {
    package var createdMigrationsTable = false
    package var baselined: [String] = []
    package var applied: [String] = []
    /// Applied meanwhile by another deployer (fcb or Prisma), so skipped here.
    package var skipped: [String] = []
    package var warnings: [String] = []
    package var fcbSchemaApplied: [Int] = []

    package init() {}
}

/// Why a deploy stopped: Prisma's refusal, or a migration that failed (recorded as failed).
package enum DeployFailure: Error, Sendable, CustomStringConvertible {
    case refused(DeployRefusal)
    case migrationFailed(name: String, error: StoreError, logs: String, report: DeployReport)
    case database(StoreError)

    package var description: String {
        switch self {
        case .refused(let refusal): "\(refusal.code): \(refusal.message)"
        case .migrationFailed(let name, let error, _, _): "migration `\(name)` failed: \(error.message)"
        case .database(let error): error.message
        }
    }
}

extension MigrationRunner {
    /// Prisma's advisory lock key, so fcb and `prisma migrate deploy` never run at once.
    static let prismaLockKey: Int64 = 72_707_369

    /// Applies what `DeployPlan` allows. Each migration runs in its own transaction together with
    /// its `_prisma_migrations` row, so a migration is either applied and recorded or not at all;
    /// a failure is then recorded as a failed row (finished_at NULL, logs) as Prisma does.
    package func deploy(directory: MigrationDirectory, options: DeployOptions = DeployOptions()) async throws(DeployFailure) -> DeployReport {
        var report = DeployReport()
        guard database.dialect == .postgres else {
            do { report.fcbSchemaApplied = try await FCBSchema.install(on: database) } catch { throw .database(error) }
            return report
        }
        let plan: DeployPlan
        do {
            plan = try DeployPlan.make(directory: directory, database: try await databaseState(), options: options)
        } catch let refusal as DeployRefusal {
            throw .refused(refusal)
        } catch let error as StoreError {
            throw .database(error)
        } catch {
            throw .database(StoreError(.invalid, "\(error)"))
        }
        report.warnings = plan.warnings
        let lockKey = Self.prismaLockKey
        do {
            if plan.createsMigrationsTable {
                report.createdMigrationsTable = try await database.transaction { (db: any SQLExecutor) async throws(StoreError) -> Bool in
                    try await db.query("SELECT pg_advisory_xact_lock(\(lockKey))")
                    let exists = try await db.first("SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present")
                    if try exists?.bool("present") == true { return false }
                    try await db.execute(script: SQLScript.statements(in: PrismaMigrationsTable.createPostgres).map(\.text))
                    return true
                }
            }
            for migration in plan.baseline {
                let row = MigrationRecords.baseline(migration, at: now())
                try await database.transaction { (db: any SQLExecutor) async throws(StoreError) in
                    try await db.query("SELECT pg_advisory_xact_lock(\(lockKey))")
                    try await insert(row, into: db)
                }
                report.baselined.append(migration.name)
            }
        } catch {
            throw .database(error)
        }
        for migration in plan.toApply {
            let started = MigrationRecords.started(migration, at: now())
            let finishedAt = now
            do {
                let ran = try await database.transaction { (db: any SQLExecutor) async throws(StoreError) -> Bool in
                    try await db.query("SELECT pg_advisory_xact_lock(\(lockKey))")
                    let done = try await db.first(
                        "SELECT 1 AS present FROM _prisma_migrations WHERE migration_name = \(migration.name) AND finished_at IS NOT NULL AND rolled_back_at IS NULL"
                    )
                    guard done == nil else { return false }
                    guard let runner = db as? any SQLScriptRunner else { throw StoreError(.invalid, "no script runner for \(db.dialect)") }
                    try await runner.runScript(migration.script)
                    try await insert(MigrationRecords.finished(started, at: finishedAt()), into: db)
                    return true
                }
                if ran { report.applied.append(migration.name) } else { report.skipped.append(migration.name) }
            } catch {
                let logs = failureLog(migration: migration, error: error)
                try? await insert(MigrationRecords.failed(started, logs: logs), into: database)
                throw .migrationFailed(name: migration.name, error: error, logs: logs, report: report)
            }
        }
        do { report.fcbSchemaApplied = try await FCBSchema.install(on: database) } catch { throw .database(error) }
        return report
    }

    private func insert(_ row: AppliedMigration, into db: any SQLExecutor) async throws(StoreError) {
        try await db.query(
            """
            INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
            VALUES (\(row.id), \(row.checksum), \(row.finishedAt), \(row.migrationName), \(row.logs),
                \(row.rolledBackAt), \(row.startedAt), \(row.appliedStepsCount))
            """)
    }

    private func failureLog(migration: LocalMigration, error: StoreError) -> String {
        guard let report = error.report else {
            return MigrationFailureLog.render(migrationName: migration.name, databaseError: error.message)
        }
        return MigrationFailureLog.render(migrationName: migration.name, script: migration.script, error: report)
    }
}
