import FlowEngine
import Foundation

/// `fcb migrate-status` and `fcb migrate-deploy` against a live database. On PostgreSQL the
/// repository's Prisma migrations are compared and applied exactly as `prisma migrate` records
/// them, plus fcb's own `fcb` schema; on SQLite, whose whole schema is embedded in fcb, only the
/// embedded schema version applies.
package struct MigrationRunner: Sendable {
    package let database: any SQLDatabase
    package var now: @Sendable () -> Date

    package init(database: any SQLDatabase, now: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.now = now
    }

    // MARK: Reading

    /// `_prisma_migrations` rows, or the unmanaged state with the tables present.
    package func databaseState() async throws(StoreError) -> DatabaseMigrationState {
        let tables: [String]
        switch database.dialect {
        case .postgres:
            tables = try await database.query(SQLQuery(unsafeSQL: PrismaMigrationsTable.publicTablesPostgres))
                .decoded { row throws(StoreError) in try row.string("relname") }
        case .sqlite:
            tables = try await database.query(SQLQuery(unsafeSQL: PrismaMigrationsTable.tablesSQLite))
                .decoded { row throws(StoreError) in try row.string("name") }
        }
        guard DatabaseMigrationState.hasMigrationsTable(in: tables) else {
            return DatabaseMigrationState.from(tableNames: tables, rows: [])
        }
        let rows = try await database.query(SQLQuery(unsafeSQL: PrismaMigrationsTable.selectAll)).decoded { row throws(StoreError) in
            AppliedMigration(
                id: try row.string("id"), checksum: try row.string("checksum"), finishedAt: try row.optionalDate("finished_at"),
                migrationName: try row.string("migration_name"), logs: try row.optionalString("logs"),
                rolledBackAt: try row.optionalDate("rolled_back_at"), startedAt: try row.date("started_at"),
                appliedStepsCount: try row.int("applied_steps_count"))
        }
        return DatabaseMigrationState.from(tableNames: tables, rows: rows)
    }

    package func fcbSchemaVersion() async throws(StoreError) -> FCBSchemaVersion {
        FCBSchemaVersion(current: try await FCBSchema.currentVersion(on: database), latest: FCBSchema.latest)
    }

    /// PostgreSQL: the Prisma history against `directory`, with fcb's schema version.
    package func status(directory: MigrationDirectory) async throws(StoreError) -> MigrationStatus {
        MigrationStatus.compute(
            local: directory.migrations, database: try await databaseState(), fcbSchema: try await fcbSchemaVersion())
    }
}
