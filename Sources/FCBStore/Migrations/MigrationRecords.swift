import Foundation

/// The `_prisma_migrations` rows fcb writes while deploying, exactly as Prisma Migrate writes
/// them (prisma-engines `sql_migration_persistence.rs`), so a later `prisma migrate status` or
/// `prisma migrate deploy` from the dashboard agrees with fcb.
///
/// The sequence for one migration: insert `started` (`PrismaMigrationsTable.insertStarted*`),
/// run the script, then either `finished` (`markFinished*`) or record `failureLogs`
/// (`recordFailure*`). When the started row was inserted inside the script's transaction and so
/// rolled back with it, insert the whole `failed` row (`insertRow*`) afterwards instead.
package enum MigrationRecords {
    /// A new row id: a random UUID v4 in lower case, as Rust's `Uuid::new_v4().to_string()`.
    package static func newID() -> String { UUID().uuidString.lowercased() }

    /// The row inserted just before the script runs.
    package static func started(_ migration: LocalMigration, at now: Date, id: String = newID()) -> AppliedMigration {
        AppliedMigration(
            id: id, checksum: migration.checksum.hex, finishedAt: nil, migrationName: migration.name, logs: nil,
            rolledBackAt: nil, startedAt: now, appliedStepsCount: 0)
    }

    /// The row once the script succeeded.
    package static func finished(_ started: AppliedMigration, at now: Date) -> AppliedMigration {
        var row = started
        row.finishedAt = now
        row.appliedStepsCount = started.appliedStepsCount + 1
        return row
    }

    /// The row once the script failed: logs set, still unfinished, so Prisma and fcb refuse to
    /// deploy further until it is resolved.
    package static func failed(_ started: AppliedMigration, logs: String) -> AppliedMigration {
        var row = started
        row.logs = logs
        return row
    }

    /// The row `prisma migrate resolve --applied` writes, which fcb's baseline writes too:
    /// empty logs, started and finished at the same instant, no applied steps.
    package static func baseline(_ migration: LocalMigration, at now: Date, id: String = newID()) -> AppliedMigration {
        AppliedMigration(
            id: id, checksum: migration.checksum.hex, finishedAt: now, migrationName: migration.name, logs: "",
            rolledBackAt: nil, startedAt: now, appliedStepsCount: 0)
    }
}
