import Foundation

/// The whole answer of `fcb migrate-status`. Pure: computed from the migrations folder and what
/// the database holds, never touching either.
package struct MigrationStatus: Sendable, Equatable {
    package enum Management: Sendable, Equatable {
        case managed(recordCount: Int)
        /// No `_prisma_migrations`; `existingTables` empty means an empty database.
        case unmanaged(existingTables: [String])
    }

    /// Local and database-only migrations together, in name order.
    package let migrations: [MigrationStatusEntry]
    package let management: Management
    package let history: MigrationHistory
    package let localCount: Int
    package var fcbSchema: FCBSchemaVersion?

    package init(
        migrations: [MigrationStatusEntry], management: Management, history: MigrationHistory, localCount: Int,
        fcbSchema: FCBSchemaVersion? = nil
    ) {
        self.migrations = migrations
        self.management = management
        self.history = history
        self.localCount = localCount
        self.fcbSchema = fcbSchema
    }

    package var failed: [MigrationStatusEntry] { migrations.filter { $0.state == .failed } }
    package var edited: [MigrationStatusEntry] { migrations.filter { $0.state == .editedAfterApply } }
    package var isManaged: Bool { if case .managed = management { true } else { false } }

    /// Nothing to apply, nothing failed, edited or unknown, and fcb's schema current.
    package var inSync: Bool {
        isManaged && history == .inSync && failed.isEmpty && edited.isEmpty && (fcbSchema?.isCurrent ?? true)
    }

    /// The process exit status: 0 in sync, 1 otherwise.
    package var exitCode: Int32 { inSync ? 0 : 1 }

    package func count(_ state: MigrationState) -> Int { migrations.count(where: { $0.state == state }) }

    /// Compares the folder with the database.
    package static func compute(
        local: [LocalMigration], database: DatabaseMigrationState, fcbSchema: FCBSchemaVersion? = nil
    )
        -> MigrationStatus
    {
        guard case .managed(let rows) = database else {
            guard case .unmanaged(let tables) = database else { preconditionFailure() }
            let entries = local.map { MigrationStatusEntry(name: $0.name, state: .pending, isLocal: true, localChecksum: $0.checksum.hex) }
            let history: MigrationHistory = local.isEmpty ? .inSync : .databaseIsBehind(unapplied: local.map(\.name))
            return MigrationStatus(
                migrations: entries, management: .unmanaged(existingTables: tables), history: history, localCount: local.count,
                fcbSchema: fcbSchema)
        }

        let ordered = rows.enumerated().sorted { ($0.element.startedAt, $0.offset) < ($1.element.startedAt, $1.offset) }.map(\.element)
        let rowsByName = Dictionary(grouping: ordered, by: \.migrationName)
        let localByName = Dictionary(local.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let names = Set(local.map(\.name)).union(rowsByName.keys).sorted(by: MigrationDirectory.prismaOrder)

        let entries = names.compactMap { entry(name: $0, local: localByName[$0], rows: rowsByName[$0] ?? []) }
        return MigrationStatus(
            migrations: entries, management: .managed(recordCount: rows.count), history: history(local: local, entries: entries),
            localCount: local.count, fcbSchema: fcbSchema)
    }

    /// The state of one name from its rows, oldest first. A failed attempt outranks an applied
    /// one, as in Prisma; rolled-back attempts only count when nothing else is left.
    private static func entry(name: String, local: LocalMigration?, rows: [AppliedMigration]) -> MigrationStatusEntry? {
        let rolledBack = rows.count(where: \.isRolledBack)
        let localChecksum = local?.checksum.hex
        if let failed = rows.last(where: \.isFailed) {
            return MigrationStatusEntry(
                name: name, state: .failed, isLocal: local != nil, localChecksum: localChecksum, recordedChecksum: failed.checksum,
                startedAt: failed.startedAt, rolledBackAttempts: rolledBack, logs: failed.logs)
        }
        if let applied = rows.last(where: \.isApplied) {
            let state: MigrationState
            if let local {
                state = local.matches(recorded: applied.checksum) ? .applied : .editedAfterApply
            } else {
                state = .missingLocally
            }
            return MigrationStatusEntry(
                name: name, state: state, isLocal: local != nil, localChecksum: localChecksum, recordedChecksum: applied.checksum,
                startedAt: applied.startedAt, finishedAt: applied.finishedAt, rolledBackAttempts: rolledBack,
                isBaseline: applied.logs == "" && applied.appliedStepsCount == 0)
        }
        guard let local else {
            // Only rolled-back attempts of a migration since deleted from the folder: nothing to do.
            return nil
        }
        let last = rows.last
        return MigrationStatusEntry(
            name: name, state: rows.isEmpty ? .pending : .rolledBack, isLocal: true, localChecksum: local.checksum.hex,
            recordedChecksum: last?.checksum, startedAt: last?.startedAt, rolledBackAttempts: rolledBack)
    }

    private static func history(local: [LocalMigration], entries: [MigrationStatusEntry]) -> MigrationHistory {
        let stateByName = Dictionary(entries.map { ($0.name, $0.state) }, uniquingKeysWith: { first, _ in first })
        let unappliedIndexes = local.indices.filter { [.pending, .rolledBack].contains(stateByName[local[$0].name]) }
        let unapplied = unappliedIndexes.map { local[$0].name }
        let notFoundLocally = entries.filter { !$0.isLocal }.map(\.name)
        switch (unapplied.isEmpty, notFoundLocally.isEmpty) {
        case (true, true): return .inSync
        case (false, true): return .databaseIsBehind(unapplied: unapplied)
        case (true, false): return .migrationsDirectoryIsBehind(notFoundLocally: notFoundLocally)
        case (false, false):
            let first = unappliedIndexes[0]
            return .diverged(lastCommon: first == 0 ? nil : local[first - 1].name, unapplied: unapplied, notFoundLocally: notFoundLocally)
        }
    }
}
