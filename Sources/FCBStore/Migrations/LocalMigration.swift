/// One folder of a Prisma migrations directory: its name (`{timestamp}_{description}`) and the
/// exact bytes of its `migration.sql`.
package struct LocalMigration: Sendable, Hashable {
    package let name: String
    /// The file's bytes as stored, which are what the checksum covers.
    package let scriptBytes: [UInt8]

    package init(name: String, scriptBytes: [UInt8]) {
        self.name = name
        self.scriptBytes = scriptBytes
    }

    package init(name: String, script: String) {
        self.init(name: name, scriptBytes: Array(script.utf8))
    }

    /// The script as text (the loader has checked that it is UTF-8).
    package var script: String { String(decoding: scriptBytes, as: UTF8.self) }

    /// The checksum to record when this migration is applied.
    package var checksum: MigrationChecksum { MigrationChecksum(of: scriptBytes) }

    /// Whether a recorded `_prisma_migrations.checksum` matches this script, as Prisma decides.
    package func matches(recorded checksum: String) -> Bool {
        MigrationChecksum.script(scriptBytes, matches: checksum)
    }
}
