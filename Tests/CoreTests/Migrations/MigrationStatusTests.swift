import Testing

@testable import FCBStore

@Suite("migrate-status: per-migration states and history")
struct MigrationStatusTests {
    typealias F = MigrationFixture

    func status(_ rows: [AppliedMigration], local: [LocalMigration] = F.all, fcb: FCBSchemaVersion? = nil) -> MigrationStatus {
        MigrationStatus.compute(local: local, database: .managed(rows), fcbSchema: fcb)
    }

    func states(_ status: MigrationStatus) -> [String] { status.migrations.map { "\($0.name) \($0.state.rawValue)" } }

    @Test func unmanagedEmptyDatabase() {
        let status = MigrationStatus.compute(local: F.all, database: .unmanaged(existingTables: []))
        #expect(status.management == .unmanaged(existingTables: []))
        #expect(status.migrations.map(\.state) == [.pending, .pending, .pending])
        #expect(status.history == .databaseIsBehind(unapplied: F.all.map(\.name)))
        #expect(!status.inSync)
        #expect(status.exitCode == 1)
    }

    @Test func unmanagedDatabaseWithTables() {
        let status = MigrationStatus.compute(local: F.all, database: .unmanaged(existingTables: ["User", "Flow"]))
        #expect(status.management == .unmanaged(existingTables: ["User", "Flow"]))
        #expect(!status.isManaged)
        #expect(status.exitCode == 1)
    }

    @Test func unmanagedWithoutLocalMigrationsIsStillNotInSync() {
        let status = MigrationStatus.compute(local: [], database: .unmanaged(existingTables: []))
        #expect(status.history == .inSync)
        #expect(status.exitCode == 1)
    }

    @Test func databaseStateFromTableNames() {
        let rows = [F.applied(F.first, minute: 0)]
        #expect(DatabaseMigrationState.hasMigrationsTable(in: ["User", "_prisma_migrations"]))
        #expect(!DatabaseMigrationState.hasMigrationsTable(in: ["User"]))
        #expect(DatabaseMigrationState.from(tableNames: ["User", "_prisma_migrations"], rows: rows) == .managed(rows))
        #expect(
            DatabaseMigrationState.from(tableNames: ["spatial_ref_sys", "Geometry_Columns", "inbox"], ignoring: ["inbox"], rows: [])
                == .unmanaged(existingTables: []))
        #expect(DatabaseMigrationState.from(tableNames: ["User", "spatial_ref_sys"], rows: rows) == .unmanaged(existingTables: ["User"]))
    }

    @Test func allApplied() {
        let status = status([F.applied(F.first, minute: 0), F.applied(F.second, minute: 1), F.applied(F.third, minute: 2)])
        #expect(status.migrations.map(\.state) == [.applied, .applied, .applied])
        #expect(status.history == .inSync)
        #expect(status.inSync)
        #expect(status.exitCode == 0)
        #expect(status.migrations[0].finishedAt == F.at(minutes: 0).addingTimeInterval(1))
        #expect(status.migrations[0].localChecksum == F.first.checksum.hex)
        #expect(status.migrations[0].recordedChecksum == F.first.checksum.hex)
    }

    @Test func emptyFolderAndEmptyTableAreInSync() {
        #expect(status([], local: []).inSync)
    }

    @Test func onePending() {
        let status = status([F.applied(F.first, minute: 0), F.applied(F.second, minute: 1)])
        #expect(states(status) == ["20250101000000_init applied", "20250201000000_add_b applied", "20250301000000_add_c pending"])
        #expect(status.history == .databaseIsBehind(unapplied: ["20250301000000_add_c"]))
        #expect(status.exitCode == 1)
    }

    @Test func editedAfterApply() {
        var edited = F.applied(F.second, minute: 1)
        edited.checksum = MigrationChecksum(of: "something else").hex
        let status = status([F.applied(F.first, minute: 0), edited, F.applied(F.third, minute: 2)])
        #expect(status.migrations.map(\.state) == [.applied, .editedAfterApply, .applied])
        #expect(status.edited.map(\.name) == ["20250201000000_add_b"])
        #expect(status.history == .inSync)
        #expect(!status.inSync)
    }

    @Test func crlfCheckoutOfAnLFAppliedFileIsNotAnEdit() {
        let crlf = LocalMigration(name: F.first.name, script: F.first.script.replacingOccurrences(of: "\n", with: "\r\n"))
        let status = status([F.applied(F.first, minute: 0)], local: [crlf])
        #expect(status.migrations.map(\.state) == [.applied])
        #expect(status.inSync)
    }

    @Test func legacyUnpaddedChecksumIsNotAnEdit() {
        var row = F.applied(F.first, minute: 0)
        row.checksum = F.first.checksum.legacyUnpaddedHex
        #expect(row.checksum.count < 64)
        #expect(status([row], local: [F.first]).inSync)
    }

    @Test func oneFailed() throws {
        let status = status([F.applied(F.first, minute: 0), F.failed(F.second, minute: 1, logs: "logs")])
        #expect(status.migrations.map(\.state) == [.applied, .failed, .pending])
        let failed = try #require(status.failed.first)
        #expect(failed.name == "20250201000000_add_b")
        #expect(failed.logs == "logs")
        #expect(failed.startedAt == F.at(minutes: 1))
        #expect(failed.finishedAt == nil)
        #expect(status.history == .databaseIsBehind(unapplied: ["20250301000000_add_c"]))
        #expect(status.exitCode == 1)
    }

    @Test func failedOutranksAnAppliedRowOfTheSameName() {
        let status = status([F.applied(F.first, minute: 0), F.failed(F.first, minute: 1)], local: [F.first])
        #expect(status.migrations.map(\.state) == [.failed])
    }

    @Test func rolledBackThenReapplied() {
        let rows = [
            F.applied(F.first, minute: 0),
            F.rolledBack(F.failed(F.second, minute: 1), minute: 2),
            F.applied(F.second, minute: 3),
            F.applied(F.third, minute: 4),
        ]
        let status = status(rows)
        #expect(status.migrations.map(\.state) == [.applied, .applied, .applied])
        #expect(status.migrations[1].rolledBackAttempts == 1)
        #expect(status.migrations[1].startedAt == F.at(minutes: 3))
        #expect(status.inSync)
    }

    /// Prisma's own status calls this up to date, yet its deploy applies the migration again;
    /// fcb reports what deploy will do.
    @Test func rolledBackOnly() {
        let rows = [F.applied(F.first, minute: 0), F.rolledBack(F.failed(F.second, minute: 1), minute: 2)]
        let status = status(rows, local: [F.first, F.second])
        #expect(status.migrations.map(\.state) == [.applied, .rolledBack])
        #expect(status.migrations[1].rolledBackAttempts == 1)
        #expect(status.history == .databaseIsBehind(unapplied: ["20250201000000_add_b"]))
        #expect(!status.inSync)
    }

    @Test func rolledBackAttemptOfADeletedMigrationIsIgnored() {
        let gone = F.rolledBack(F.failed(LocalMigration(name: "20250115000000_gone", script: "x"), minute: 1), minute: 2)
        let status = status([F.applied(F.first, minute: 0), gone], local: [F.first])
        #expect(status.migrations.map(\.name) == [F.first.name])
        #expect(status.inSync)
    }

    @Test func missingLocally() {
        let rows = [F.applied(F.first, minute: 0), F.applied(F.second, minute: 1)]
        let status = status(rows, local: [F.first])
        #expect(states(status) == ["20250101000000_init applied", "20250201000000_add_b missingLocally"])
        #expect(status.migrations[1].isLocal == false)
        #expect(status.migrations[1].localChecksum == nil)
        #expect(status.history == .migrationsDirectoryIsBehind(notFoundLocally: ["20250201000000_add_b"]))
        #expect(status.exitCode == 1)
    }

    @Test func divergedWithLastCommon() {
        let rows = [F.applied(F.first, minute: 0), F.applied(name: "20250215000000_dashboard_only", minute: 1)]
        let status = status(rows, local: [F.first, F.second])
        #expect(
            states(status) == [
                "20250101000000_init applied", "20250201000000_add_b pending", "20250215000000_dashboard_only missingLocally",
            ])
        #expect(
            status.history
                == .diverged(lastCommon: "20250101000000_init", unapplied: ["20250201000000_add_b"], notFoundLocally: ["20250215000000_dashboard_only"]))
    }

    @Test func divergedFromTheFirstMigrationHasNoLastCommon() {
        let status = status([F.applied(name: "20240101000000_other", minute: 0)], local: [F.first])
        #expect(status.history == .diverged(lastCommon: nil, unapplied: [F.first.name], notFoundLocally: ["20240101000000_other"]))
    }

    @Test func failedMigrationMissingLocallyCountsAsUnknownHistory() {
        let status = status([F.applied(F.first, minute: 0), F.failed(LocalMigration(name: "20250102000000_x", script: "x"), minute: 1)], local: [F.first])
        #expect(status.failed.map(\.name) == ["20250102000000_x"])
        #expect(status.failed.first?.isLocal == false)
        #expect(status.history == .migrationsDirectoryIsBehind(notFoundLocally: ["20250102000000_x"]))
    }

    @Test func baselineRowsAreRecognised() {
        let rows = [MigrationRecords.baseline(F.first, at: F.t0, id: "b"), F.applied(F.second, minute: 1)]
        let status = status(rows, local: [F.first, F.second])
        #expect(status.migrations.map(\.isBaseline) == [true, false])
        #expect(status.inSync)
    }

    @Test func rowsAreReadInStartOrderWhateverTheirOrder() {
        let rows = [F.applied(F.second, minute: 5), F.rolledBack(F.failed(F.second, minute: 1), minute: 2), F.applied(F.first, minute: 0)]
        let status = status(rows, local: [F.first, F.second])
        #expect(status.migrations.map(\.state) == [.applied, .applied])
        #expect(status.management == .managed(recordCount: 3))
    }

    @Test func fcbSchemaVersionTakesPartInSync() {
        let rows = [F.applied(F.first, minute: 0)]
        #expect(status(rows, local: [F.first], fcb: FCBSchemaVersion(current: 3, latest: 3)).inSync)
        #expect(!status(rows, local: [F.first], fcb: FCBSchemaVersion(current: 2, latest: 3)).inSync)
        #expect(!status(rows, local: [F.first], fcb: FCBSchemaVersion(current: nil, latest: 1)).inSync)
        #expect(!status(rows, local: [F.first], fcb: FCBSchemaVersion(current: 4, latest: 3)).inSync)
    }
}
