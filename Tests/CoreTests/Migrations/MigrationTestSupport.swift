import Foundation

@testable import FCBStore

/// Small builders for migration tests: fixed instants, local migrations and `_prisma_migrations`
/// rows written the way Prisma writes them.
enum MigrationFixture {
    /// 2025-12-01 10:00:00 UTC.
    static let t0 = Date(timeIntervalSince1970: 1_764_583_200)

    static func at(minutes: Double) -> Date { t0.addingTimeInterval(minutes * 60) }

    static let first = LocalMigration(name: "20250101000000_init", script: "CREATE TABLE \"A\" (\"id\" TEXT NOT NULL);\n")
    static let second = LocalMigration(name: "20250201000000_add_b", script: "CREATE TABLE \"B\" (\"id\" TEXT NOT NULL);\n")
    static let third = LocalMigration(name: "20250301000000_add_c", script: "CREATE TABLE \"C\" (\"id\" TEXT NOT NULL);\n")
    static let all = [first, second, third]

    /// The repository's prisma/migrations.
    static var repositoryMigrations: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("prisma/migrations").path
    }

    /// A successful `migrate deploy` row: started at `minute`, finished a second later.
    static func applied(_ migration: LocalMigration, minute: Double, id: String? = nil) -> AppliedMigration {
        let started = MigrationRecords.started(migration, at: at(minutes: minute), id: id ?? "id-\(migration.name)")
        return MigrationRecords.finished(started, at: at(minutes: minute).addingTimeInterval(1))
    }

    static func failed(_ migration: LocalMigration, minute: Double, logs: String = "boom", id: String? = nil) -> AppliedMigration {
        let started = MigrationRecords.started(migration, at: at(minutes: minute), id: id ?? "failed-\(migration.name)")
        return MigrationRecords.failed(started, logs: logs)
    }

    static func rolledBack(_ row: AppliedMigration, minute: Double) -> AppliedMigration {
        var row = row
        row.rolledBackAt = at(minutes: minute)
        return row
    }

    /// A row applied under a different name (a migration the folder does not have).
    static func applied(name: String, minute: Double) -> AppliedMigration {
        applied(LocalMigration(name: name, script: "-- \(name)\n"), minute: minute)
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("fcb-migrations-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func write(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }
}
