import Foundation
import Testing

@testable import FCBStore

/// The repository's prisma/ folder: the dashboard's five migrations must stay byte-identical to
/// the dashboard's (their checksums are what the dashboard's database has recorded), and fcb's
/// own migration must not change once released (databases record its checksum too).
@Suite("prisma/migrations in the repository")
struct MigrationFilesTests {
    /// SHA-256 of each migration.sql, from the dashboard's repository and from fcb's release.
    static let pinned: [(String, String)] = [
        ("20250822040913_add_channel_to_flow", "779103ae3e8225b3b4fd4f51f75f3eb719a1a8e5c0b278cf06f5d260795ecfc5"),
        ("20250822041259_add_meta_settings_to_user", "8f9d2e2c9cb04b5ede9270706c3c0d67419dbcd2dffb5eaa31e7b300c763861b"),
        ("20250905043046_add_session_model", "5a13e0442e239204171a1434436a909259bab3f922d0ef58ec1773bc0dd34250"),
        ("20250915000000_drop_flow_phone_number", "71c9d6045db43e0772c78dd8c942634de5e862ce3fbbd37be6a99ee6fa9685b2"),
        ("20250917000000_add_meta_phone_pin", "730c48e505e1fdbeba20f9131ce21341b6309f86e67cbce802262af4bd2e9978"),
        ("20251201000000_complete_shared_schema", "b7857018738e119a7b6b9f8932ef16497b7b635f2c15de0ae2836eec1882b35b"),
    ]

    @Test func theSixMigrationsHaveTheirKnownChecksums() throws {
        let directory = try MigrationDirectory.load(from: MigrationFixture.repositoryMigrations)
        #expect(directory.provider == "postgresql")
        #expect(directory.migrations.map(\.name) == Self.pinned.map(\.0))
        #expect(directory.migrations.map(\.checksum.hex) == Self.pinned.map(\.1))
    }

    @Test func sharedMigrationNamesMatchTheFolder() throws {
        let names = try MigrationDirectory.load(from: MigrationFixture.repositoryMigrations).migrations.map(\.name)
        #expect(Array(names.prefix(5)) == SharedMigrations.dashboard)
        #expect(names.last == SharedMigrations.completeSharedSchema)
        #expect(SharedMigrations.suggestedBaseline(localNames: names) == "20250917000000_add_meta_phone_pin")
        #expect(SharedMigrations.suggestedBaseline(localNames: ["20240101000000_other"]) == "20240101000000_other")
        #expect(SharedMigrations.suggestedBaseline(localNames: []) == nil)
    }

    @Test func lockFileIsTheDashboards() throws {
        let url = URL(fileURLWithPath: MigrationFixture.repositoryMigrations).appendingPathComponent("migration_lock.toml")
        #expect(MigrationChecksum(of: Array(try Data(contentsOf: url))).hex == "99836963713b4f5b269ad49af0ed3d7b0b2e336115c2f92dc9ac683d139d0900")
    }

    /// Every statement of fcb's migration is guarded, so it runs on a database `db push` built.
    @Test func fcbMigrationIsGuarded() throws {
        let directory = try MigrationDirectory.load(from: MigrationFixture.repositoryMigrations)
        let script = try #require(directory.migrations.last).script
        let statements = script.components(separatedBy: ";\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        for statement in statements where statement.contains("CREATE ") || statement.contains("ADD COLUMN") {
            #expect(statement.contains("IF NOT EXISTS"), "unguarded: \(statement)")
        }
        #expect(script.components(separatedBy: "ADD CONSTRAINT").count - 1 == 7)
        #expect(script.components(separatedBy: "IF NOT EXISTS (SELECT 1 FROM pg_constraint").count - 1 == 7)
    }
}
