import Foundation

@testable import FCBStore
@testable import FlowEngine

/// The states of docs/migrations.md, built on the repository's six migrations: the database rows
/// each scenario starts from. Timestamps count minutes from `MigrationFixture.t0`.
enum MigrationScenario {
    typealias F = MigrationFixture

    static let six: [LocalMigration] = (try? MigrationDirectory.load(from: F.repositoryMigrations).migrations) ?? []

    /// The first `count` migrations applied, one a minute.
    static func applied(_ count: Int) -> [AppliedMigration] { (0..<count).map { F.applied(six[$0], minute: Double($0)) } }

    static let dbPushTables = [
        "Broadcast", "BroadcastRecipient", "Contact", "Flow", "Lead", "Log", "Message", "Session", "Tag", "TagsOnContacts", "User",
    ]

    /// An illustrative failure for the examples: the error PostgreSQL reports for a name clash.
    static let failureLogs = MigrationFailureLog.render(
        migrationName: SharedMigrations.completeSharedSchema, script: six.last?.script ?? "",
        error: DatabaseErrorReport(
            severity: "ERROR", nonLocalizedSeverity: "ERROR", code: "42P07", message: "relation \"Message_waMessageId_key\" already exists",
            file: "index.c", line: 885, routine: "index_create"))

    static func status(_ database: DatabaseMigrationState, fcb: FCBSchemaVersion? = nil) -> MigrationStatus {
        MigrationStatus.compute(local: six, database: database, fcbSchema: fcb)
    }

    static var inSync: MigrationStatus { status(.managed(applied(6)), fcb: FCBSchemaVersion(current: 1, latest: 1)) }
    static var pending: MigrationStatus { status(.managed(applied(5))) }
    static var empty: MigrationStatus { status(.unmanaged(existingTables: [])) }
    static var dbPush: MigrationStatus { status(.unmanaged(existingTables: dbPushTables)) }
    static var failed: MigrationStatus { status(.managed(applied(5) + [F.failed(six[5], minute: 5, logs: failureLogs)])) }

    static var edited: MigrationStatus {
        var rows = applied(6)
        rows[1].checksum = MigrationChecksum(of: "x").hex
        return status(.managed(rows))
    }

    static var rolledBackOnly: MigrationStatus {
        status(.managed(applied(5) + [F.rolledBack(F.failed(six[5], minute: 5), minute: 6)]), fcb: FCBSchemaVersion(current: nil, latest: 1))
    }

    static var rolledBackThenReapplied: MigrationStatus {
        status(.managed(applied(5) + [F.rolledBack(F.failed(six[5], minute: 5), minute: 6), F.applied(six[5], minute: 7)]))
    }

    static var missingLocally: MigrationStatus {
        status(.managed(applied(6) + [F.applied(name: "20251210000000_dashboard_adds_x", minute: 8)]))
    }

    static var diverged: MigrationStatus {
        status(.managed(applied(5) + [F.applied(name: "20251115000000_dashboard_adds_y", minute: 8)]))
    }

    static var baselined: MigrationStatus {
        status(.managed(six.prefix(5).map { MigrationRecords.baseline($0, at: F.t0, id: "b-\($0.name)") } + [F.applied(six[5], minute: 1)]))
    }
}
