/// SQL for `_prisma_migrations`, as Prisma Migrate creates, reads and writes it. None of these
/// statements carries a value: the values are bound as parameters (`$n` on PostgreSQL, `?` on
/// SQLite) in the order each constant documents.
package enum PrismaMigrationsTable {
    package static let name = "_prisma_migrations"

    /// The statement prisma-engines runs on PostgreSQL (`create_migrations_table`), verbatim.
    package static let createPostgres = """
        CREATE TABLE _prisma_migrations (
            id                      VARCHAR(36) PRIMARY KEY NOT NULL,
            checksum                VARCHAR(64) NOT NULL,
            finished_at             TIMESTAMPTZ,
            migration_name          VARCHAR(255) NOT NULL,
            logs                    TEXT,
            rolled_back_at          TIMESTAMPTZ,
            started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
            applied_steps_count     INTEGER NOT NULL DEFAULT 0
        );

        """

    /// The statement prisma-engines runs on SQLite, verbatim. Prisma stores these DATETIME
    /// values as integer milliseconds since the Unix epoch.
    package static let createSQLite = """
        CREATE TABLE "_prisma_migrations" (
            "id"                    TEXT PRIMARY KEY NOT NULL,
            "checksum"              TEXT NOT NULL,
            "finished_at"           DATETIME,
            "migration_name"        TEXT NOT NULL,
            "logs"                  TEXT,
            "rolled_back_at"        DATETIME,
            "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
            "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
        );

        """

    /// Every row, oldest attempt first (Prisma lists them ordered by `started_at`). Columns in
    /// `AppliedMigration` order: id, checksum, finished_at, migration_name, logs, rolled_back_at,
    /// started_at, applied_steps_count.
    package static let selectAll = """
        SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count \
        FROM _prisma_migrations ORDER BY started_at ASC
        """

    /// Before running a script. Binds: id, checksum, started_at, migration_name
    /// (`MigrationRecords.started`). finished_at, logs, rolled_back_at stay NULL; steps stay 0.
    package static let insertStartedPostgres =
        "INSERT INTO _prisma_migrations (id, checksum, started_at, migration_name) VALUES ($1, $2, $3, $4)"
    package static let insertStartedSQLite =
        "INSERT INTO _prisma_migrations (id, checksum, started_at, migration_name) VALUES (?, ?, ?, ?)"

    /// After the script succeeded (Prisma's `record_successful_step` then
    /// `record_migration_finished`). Binds: finished_at, id.
    package static let markFinishedPostgres =
        "UPDATE _prisma_migrations SET applied_steps_count = applied_steps_count + 1, finished_at = $1 WHERE id = $2"
    package static let markFinishedSQLite =
        "UPDATE _prisma_migrations SET applied_steps_count = applied_steps_count + 1, finished_at = ? WHERE id = ?"

    /// After the script failed (`record_failed_step`); finished_at stays NULL. Binds: logs, id.
    package static let recordFailurePostgres = "UPDATE _prisma_migrations SET logs = $1 WHERE id = $2"
    package static let recordFailureSQLite = "UPDATE _prisma_migrations SET logs = ? WHERE id = ?"

    /// A whole row at once: a baseline row (`MigrationRecords.baseline`), or a failed row when the
    /// transaction that held the started row was rolled back with the script. Binds, in order:
    /// id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at,
    /// applied_steps_count.
    package static let insertRowPostgres = """
        INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, \
        applied_steps_count) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        """
    package static let insertRowSQLite = """
        INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, \
        applied_steps_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// The session-level advisory lock Prisma Migrate takes on PostgreSQL before deploying
    /// (key 72707369), so fcb and `prisma migrate deploy` never apply migrations concurrently.
    package static let advisoryLockPostgres = "SELECT pg_advisory_lock(72707369)"
    package static let advisoryUnlockPostgres = "SELECT pg_advisory_unlock(72707369)"

    /// Names of the tables in schema `public` (ordinary and partitioned), `_prisma_migrations`
    /// included: feed them to `DatabaseTables` to learn whether the database is managed and empty.
    package static let publicTablesPostgres = """
        SELECT c.relname::text FROM pg_catalog.pg_class c \
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1
        """
    /// The same for SQLite (its own `sqlite_%` tables excluded).
    package static let tablesSQLite =
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
}
