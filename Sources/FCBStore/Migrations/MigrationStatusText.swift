/// The text report of `fcb migrate-status`: an aligned table of every migration, then what is
/// wrong and the next step to take, worded after `prisma migrate status`.
package enum MigrationStatusText {
    package static func render(_ status: MigrationStatus, migrationsPath: String) -> String {
        var out = header(status, migrationsPath: migrationsPath) + "\n"
        if !status.migrations.isEmpty { out += "\n" + table(status.migrations, migrationsPath: migrationsPath) }
        if let fcb = status.fcbSchema { out += "\n" + fcbSchemaLine(fcb) + "\n" }
        for block in blocks(status, migrationsPath: migrationsPath) { out += "\n" + block + "\n" }
        return out
    }

    static func header(_ status: MigrationStatus, migrationsPath: String) -> String {
        let local =
            status.localCount == 0
            ? "No migration found in \(migrationsPath)"
            : "\(plural(status.localCount, "migration")) found in \(migrationsPath)"
        switch status.management {
        case .managed(let records): return "\(local); \(plural(records, "row")) in \(PrismaMigrationsTable.name)."
        case .unmanaged: return "\(local); the database has no \(PrismaMigrationsTable.name) table."
        }
    }

    static func table(_ entries: [MigrationStatusEntry], migrationsPath: String) -> String {
        var rows = [["Migration", "State", "Finished at", "Note"]]
        for entry in entries {
            rows.append([entry.name, label(entry.state), entry.finishedAt.map(MigrationTimestamp.text) ?? "-", note(entry, migrationsPath)])
        }
        let widths = (0..<3).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            var line = ""
            for column in 0..<3 { line += row[column] + String(repeating: " ", count: widths[column] - row[column].count + 2) }
            line += row[3]
            while line.hasSuffix(" ") { line.removeLast() }
            return line + "\n"
        }.joined()
    }

    static func label(_ state: MigrationState) -> String {
        switch state {
        case .applied: "applied"
        case .pending: "pending"
        case .failed: "failed"
        case .rolledBack: "rolled back"
        case .editedAfterApply: "edited after apply"
        case .missingLocally: "missing locally"
        }
    }

    static func note(_ entry: MigrationStatusEntry, _ migrationsPath: String) -> String {
        var parts: [String] = []
        switch entry.state {
        case .failed:
            if let started = entry.startedAt { parts.append("started \(MigrationTimestamp.text(started))") }
            if !entry.isLocal { parts.append("not in \(migrationsPath)") }
        case .editedAfterApply:
            parts.append("checksum \(short(entry.localChecksum)) on disk, \(short(entry.recordedChecksum)) recorded")
        case .missingLocally:
            parts.append("not in \(migrationsPath)")
        case .rolledBack:
            parts.append("rolled back \(times(entry.rolledBackAttempts)); deploy applies it again")
        case .applied, .pending:
            break
        }
        if entry.isBaseline { parts.append("baselined: recorded as applied without running") }
        if entry.rolledBackAttempts > 0, entry.state != .rolledBack {
            parts.append("after \(plural(entry.rolledBackAttempts, "rolled-back attempt"))")
        }
        return parts.joined(separator: "; ")
    }

    static func fcbSchemaLine(_ version: FCBSchemaVersion) -> String {
        guard let current = version.current else {
            return "fcb schema: not created yet (latest version \(version.latest)); `fcb migrate-deploy` creates it."
        }
        if current == version.latest { return "fcb schema: version \(current) (latest)." }
        if current < version.latest {
            return "fcb schema: version \(current), latest \(version.latest); `fcb migrate-deploy` upgrades it."
        }
        return "fcb schema: version \(current) is newer than this fcb knows (\(version.latest)); upgrade fcb."
    }

    /// What is wrong, most blocking first, each with its next step.
    static func blocks(_ status: MigrationStatus, migrationsPath: String) -> [String] {
        var blocks: [String] = []
        if case .unmanaged(let tables) = status.management {
            blocks.append(unmanaged(tables: tables, status: status))
        }
        let failed = status.failed
        if !failed.isEmpty { blocks.append(failedBlock(failed)) }
        let edited = status.edited
        if !edited.isEmpty {
            blocks.append(
                """
                Following \(edited.count == 1 ? "migration was" : "migrations were") modified after \
                \(edited.count == 1 ? "it was" : "they were") applied:
                \(edited.map(\.name).joined(separator: "\n"))

                \(edited.count == 1 ? "Its migration.sql no longer matches" : "Their migration.sql files no longer match") \
                the checksum recorded when applied. Restore the applied version from version control; \
                to change the schema, add a new migration instead.
                """)
        }
        if status.isManaged, let history = historyBlock(status.history, migrationsPath: migrationsPath) {
            blocks.append(history)
        }
        if blocks.isEmpty, status.inSync { blocks.append("Database schema is up to date!") }
        return blocks
    }

    static func unmanaged(tables: [String], status: MigrationStatus) -> String {
        if tables.isEmpty {
            let next =
                status.localCount == 0
                ? "There are no migrations to apply."
                : "Next step: `fcb migrate-deploy` creates \(PrismaMigrationsTable.name) and applies \(all(status.localCount))."
            return "The current database is empty and not managed by Prisma Migrate.\n\(next)"
        }
        let shown = tables.prefix(5).joined(separator: ", ") + (tables.count > 5 ? ", …" : "")
        var text = """
            The current database is not managed by Prisma Migrate: it has \(plural(tables.count, "table")) \
            (\(shown)) but no \(PrismaMigrationsTable.name) table, as `prisma db push` leaves it.
            Deploying onto it fails with P3005 (the database schema is not empty).
            """
        if let target = SharedMigrations.suggestedBaseline(localNames: status.migrations.filter(\.isLocal).map(\.name)) {
            text += """


                If you want to keep the current database structure and data, baseline this database with the migration "\(target)":
                fcb migrate-deploy --baseline "\(target)"
                It records that migration and the ones before it as applied without running them, then applies the rest.
                """
        }
        text += "\n\nRead more about how to baseline an existing production database:\nhttps://pris.ly/d/migrate-baseline"
        return text
    }

    static func failedBlock(_ failed: [MigrationStatusEntry]) -> String {
        var lines = ["Following \(failed.count == 1 ? "migration has" : "migrations have") failed:"]
        for entry in failed {
            lines.append(entry.name)
            if let error = databaseError(in: entry.logs) { lines.append("  \(error)") }
        }
        let first = failed[0].name
        lines.append(
            """

            New migrations cannot be applied before the error is recovered from (P3009). Repair the database, \
            then mark the failed migration(s) as rolled back or applied, from the dashboard repository:

            - If you rolled back the migration(s) manually:
            npx prisma migrate resolve --rolled-back "\(first)"

            - If you fixed the database manually (hotfix):
            npx prisma migrate resolve --applied "\(first)"

            Read more about how to resolve migration issues in a production database:
            https://pris.ly/d/migrate-resolve
            """)
        return lines.joined(separator: "\n")
    }

    static func historyBlock(_ history: MigrationHistory, migrationsPath: String) -> String? {
        switch history {
        case .inSync:
            return nil
        case .databaseIsBehind(let unapplied):
            return """
                Following \(unapplied.count == 1 ? "migration has" : "migrations have") not yet been applied:
                \(unapplied.joined(separator: "\n"))

                To apply \(unapplied.count == 1 ? "it" : "them") run `fcb migrate-deploy`.
                """
        case .migrationsDirectoryIsBehind(let missing):
            return """
                Following \(missing.count == 1 ? "migration" : "migrations") from the database \
                \(missing.count == 1 ? "is" : "are") not found locally in \(migrationsPath):
                \(missing.joined(separator: "\n"))

                The database has migrations this fcb does not know (probably added by the dashboard). \
                Update fcb, or point --migrations at the dashboard's prisma/migrations, before deploying.
                """
        case .diverged(let lastCommon, let unapplied, let missing):
            return """
                Your local migration history and the migrations table from your database are different:

                The last common migration is: \(lastCommon ?? "none")

                The \(unapplied.count == 1 ? "migration has" : "migrations have") not yet been applied:
                \(unapplied.joined(separator: "\n"))

                The \(missing.count == 1 ? "migration" : "migrations") from the database \
                \(missing.count == 1 ? "is" : "are") not found locally in \(migrationsPath):
                \(missing.joined(separator: "\n"))

                `fcb migrate-deploy` refuses to apply migrations onto a diverged history. Bring \(migrationsPath) \
                in line with the dashboard's migrations first.
                """
        }
    }

    /// The first line of the database error inside Prisma-formatted failure logs.
    static func databaseError(in logs: String?) -> String? {
        guard let logs, let range = logs.range(of: "\nDatabase error:\n") else { return nil }
        let line = logs[range.upperBound...].prefix { $0 != "\n" }
        return line.isEmpty ? nil : String(line)
    }

    static func plural(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

    static func times(_ count: Int) -> String { count == 1 ? "once" : "\(count) times" }

    static func all(_ count: Int) -> String { count == 1 ? "the 1 migration" : "all \(count) migrations" }

    static func short(_ checksum: String?) -> String {
        guard let checksum else { return "none" }
        return checksum.count > 8 ? String(checksum.prefix(8)) + "…" : checksum
    }
}
