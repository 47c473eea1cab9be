/// What `fcb migrate-deploy` will do, decided before it touches the database, with the rules of
/// `prisma migrate deploy` (prisma-engines `apply_migrations.rs`): refuse when a failed migration
/// is recorded (P3009) or when an unmanaged database is not empty (P3005); otherwise apply, in
/// name order, every local migration that has no attempt other than rolled-back ones.
package struct DeployPlan: Sendable, Equatable {
    /// `_prisma_migrations` must be created first (`PrismaMigrationsTable.createPostgres`).
    package let createsMigrationsTable: Bool
    /// Recorded as applied without running (`MigrationRecords.baseline`), in order.
    package let baseline: [LocalMigration]
    /// Run and recorded one by one, each in its own transaction, in order.
    package let toApply: [LocalMigration]
    /// Things Prisma would deploy through, said out loud.
    package let warnings: [String]

    package init(createsMigrationsTable: Bool, baseline: [LocalMigration], toApply: [LocalMigration], warnings: [String]) {
        self.createsMigrationsTable = createsMigrationsTable
        self.baseline = baseline
        self.toApply = toApply
        self.warnings = warnings
    }

    package var isEmpty: Bool { !createsMigrationsTable && baseline.isEmpty && toApply.isEmpty }
}

extension DeployPlan {
    /// Plans a deploy of `directory` onto a database in `database`'s state. `provider` is the
    /// backend's Prisma provider name; the lock file must agree (Prisma's P3019).
    package static func make(
        directory: MigrationDirectory, database: DatabaseMigrationState, provider: String = "postgresql",
        options: DeployOptions = DeployOptions()
    ) throws(DeployRefusal) -> DeployPlan {
        if let locked = directory.provider, locked != provider {
            throw DeployRefusal(
                code: "P3019",
                message:
                    "The datasource provider `\(provider)` specified in your schema does not match the one specified in the migration_lock.toml, `\(locked)`. Please remove your current migration directory and start a new migration history with prisma migrate dev. Read more: https://pris.ly/d/migrate-provider-switch"
            )
        }
        let local = directory.migrations
        switch database {
        case .unmanaged(let tables):
            return try unmanaged(local: local, tables: tables, options: options)
        case .managed(let rows):
            return try managed(local: local, rows: rows, options: options)
        }
    }

    private static func unmanaged(local: [LocalMigration], tables: [String], options: DeployOptions) throws(DeployRefusal) -> DeployPlan {
        guard !tables.isEmpty else {
            let warnings =
                options.baselineThrough == nil
                ? [] : ["The database is empty, so every migration is applied instead of baselined."]
            return DeployPlan(createsMigrationsTable: true, baseline: [], toApply: local, warnings: warnings)
        }
        guard let target = options.baselineThrough else {
            throw DeployRefusal(
                code: "P3005",
                message:
                    "The database schema is not empty. Read more about how to baseline an existing production database: https://pris.ly/d/migrate-baseline"
            )
        }
        guard let index = local.firstIndex(where: { $0.name == target }) else {
            throw DeployRefusal(
                code: "P3017",
                message:
                    "The migration \(target) could not be found. Please make sure that the migration exists, and that you included the whole name of the directory. (example: \"20201207184859_initial_migration\")"
            )
        }
        return DeployPlan(
            createsMigrationsTable: true, baseline: Array(local[...index]), toApply: Array(local[(index + 1)...]), warnings: [])
    }

    private static func managed(local: [LocalMigration], rows: [AppliedMigration], options: DeployOptions) throws(DeployRefusal) -> DeployPlan {
        let ordered = rows.enumerated().sorted { ($0.element.startedAt, $0.offset) < ($1.element.startedAt, $1.offset) }.map(\.element)
        let failed = ordered.filter(\.isFailed)
        if !failed.isEmpty { throw failedMigrations(failed) }

        var warnings: [String] = []
        if options.baselineThrough != nil {
            warnings.append("The database is already managed by Prisma Migrate; --baseline is ignored.")
        }
        let attempted = Set(ordered.filter { !$0.isRolledBack }.map(\.migrationName))
        let toApply = local.filter { !attempted.contains($0.name) }
        let localNames = Set(local.map(\.name))
        let unknown = ordered.filter { !$0.isRolledBack && !localNames.contains($0.migrationName) }.map(\.migrationName)
        if !unknown.isEmpty {
            let list = unknown.joined(separator: ", ")
            if !toApply.isEmpty, !options.allowDivergedHistory {
                throw DeployRefusal(
                    code: "FCB_DIVERGED",
                    message:
                        "The database's migration history and the local one have diverged: \(list) \(unknown.count == 1 ? "is" : "are") applied but not found locally, while \(toApply.map(\.name).joined(separator: ", ")) \(toApply.count == 1 ? "is" : "are") not applied. Bring the migrations folder in line with the dashboard's before deploying."
                )
            }
            warnings.append("Applied but not found locally: \(list).")
        }
        let applied = Dictionary(ordered.filter(\.isApplied).map { ($0.migrationName, $0) }, uniquingKeysWith: { _, last in last })
        for migration in local {
            if let row = applied[migration.name], !migration.matches(recorded: row.checksum) {
                warnings.append("Migration `\(migration.name)` was modified after it was applied; it is not applied again.")
            }
        }
        return DeployPlan(createsMigrationsTable: false, baseline: [], toApply: toApply, warnings: warnings)
    }

    /// Prisma's P3009 message, details included (`detect_failed_migrations`).
    static func failedMigrations(_ failed: [AppliedMigration]) -> DeployRefusal {
        var details = ""
        for migration in failed {
            let logs = migration.logs?.trimmingWhitespace() ?? ""
            let withLogs = logs.isEmpty ? "" : " with the following logs:\n\(logs)"
            details += "The `\(migration.migrationName)` migration started at \(MigrationTimestamp.chrono(migration.startedAt)) failed\(withLogs)\n"
        }
        return DeployRefusal(
            code: "P3009",
            message:
                "migrate found failed migrations in the target database, new migrations will not be applied. Read more about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve\n\(details)"
        )
    }
}

extension String {
    /// Rust's `str::trim`: Unicode white space at both ends.
    fileprivate func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[start...end])
    }
}
