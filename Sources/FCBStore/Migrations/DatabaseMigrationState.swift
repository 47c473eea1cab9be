/// What the database says about its migrations: either the `_prisma_migrations` rows, or that
/// there is no such table (the database is not managed by Prisma Migrate) and which other tables
/// exist — because Prisma applies migrations to an unmanaged database only when it is empty.
package enum DatabaseMigrationState: Sendable, Equatable {
    case managed([AppliedMigration])
    /// No `_prisma_migrations` table. `existingTables` are the other tables that count (see
    /// `DatabaseTables`); empty means Prisma would treat the database as empty.
    case unmanaged(existingTables: [String])

    /// Whether `_prisma_migrations` is among the table names (`PrismaMigrationsTable`'s
    /// table-listing queries); read its rows (`PrismaMigrationsTable.selectAll`) only then.
    package static func hasMigrationsTable(in tableNames: [String]) -> Bool {
        tableNames.contains(PrismaMigrationsTable.name)
    }

    /// Builds the state from the table names and, when `_prisma_migrations` is among them, its
    /// rows (ignored otherwise). `ignoring`: fcb's own tables when they share the database file.
    package static func from(tableNames: [String], ignoring: Set<String> = [], rows: [AppliedMigration]) -> DatabaseMigrationState {
        if hasMigrationsTable(in: tableNames) { return .managed(rows) }
        return .unmanaged(existingTables: DatabaseTables.counted(tableNames, ignoring: ignoring))
    }
}

/// Which tables make a database "not empty" for Prisma (`initialize` in prisma-engines'
/// `sql_migration_persistence.rs`): any table except `_prisma_migrations` and those the
/// PostgreSQL flavour ignores (PostGIS's own tables).
package enum DatabaseTables {
    /// PostGIS system tables, matched case-insensitively as prisma-engines does.
    package static let ignoredByPrisma: Set<String> = [
        "spatial_ref_sys", "geometry_columns", "geography_columns", "raster_columns", "raster_overviews",
    ]

    /// The tables that count, in the given order. `ignoring` adds fcb's own tables for a SQLite
    /// file, where they share the file with the Prisma tables.
    package static func counted(_ names: [String], ignoring: Set<String> = []) -> [String] {
        names.filter { name in
            name != PrismaMigrationsTable.name && !ignoredByPrisma.contains(name.lowercased()) && !ignoring.contains(name)
        }
    }
}
