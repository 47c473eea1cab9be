import Foundation
import Testing

@testable import FCBStore

@Suite("Loading a migrations directory")
struct MigrationDirectoryTests {
    @Test func sortsFoldersIgnoresFilesAndReadsTheLockFile() throws {
        let root = try MigrationFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try MigrationFixture.write("-- b\n", to: root.appendingPathComponent("20250201000000_b/migration.sql"))
        try MigrationFixture.write("-- a\r\n", to: root.appendingPathComponent("20250101000000_a/migration.sql"))
        try MigrationFixture.write("notes", to: root.appendingPathComponent("README.md"))
        try MigrationFixture.write("# comment\nprovider = \"postgresql\"\n", to: root.appendingPathComponent("migration_lock.toml"))

        let directory = try MigrationDirectory.load(from: root.path)
        #expect(directory.path == root.path)
        #expect(directory.provider == "postgresql")
        #expect(directory.migrations.map(\.name) == ["20250101000000_a", "20250201000000_b"])
        #expect(directory.migrations[0].scriptBytes == Array("-- a\r\n".utf8))
        #expect(directory.migrations[0].script == "-- a\r\n")
    }

    @Test func noLockFileMeansNoProvider() throws {
        let root = try MigrationFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = try MigrationDirectory.load(from: root.path)
        #expect(directory.provider == nil)
        #expect(directory.migrations.isEmpty)
    }

    @Test func lockFileProviderIsReadAsPrismaReadsIt() {
        #expect(MigrationLockFile.provider(in: "provider = \"sqlite\"") == "sqlite")
        #expect(MigrationLockFile.provider(in: "# x\r\nprovider = \"mysql\"\r\n") == "mysql")
        #expect(MigrationLockFile.provider(in: "# nothing here\n") == "<PROVIDER NOT FOUND>")
        #expect(MigrationLockFile.provider(in: "provider=\"postgresql\"") == "provider=\"postgresql")
    }

    @Test func missingDirectory() {
        #expect(throws: MigrationDirectoryError.directoryNotFound(path: "/nonexistent/fcb/migrations")) {
            try MigrationDirectory.load(from: "/nonexistent/fcb/migrations")
        }
        #expect(
            MigrationDirectoryError.directoryNotFound(path: "x").description
                == "migrations directory not found: x (pass --migrations DIR, or run from the repository root)")
    }

    @Test func aFileInsteadOfADirectory() throws {
        let root = try MigrationFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("migrations")
        try MigrationFixture.write("x", to: file)
        #expect(throws: MigrationDirectoryError.notADirectory(path: file.path)) { try MigrationDirectory.load(from: file.path) }
    }

    @Test func folderWithoutMigrationSQL() throws {
        let root = try MigrationFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try MigrationFixture.write("-- a\n", to: root.appendingPathComponent("20250101000000_a/migration.sql"))
        try FileManager.default.createDirectory(at: root.appendingPathComponent("20250201000000_b"), withIntermediateDirectories: true)
        let path = root.path + "/20250201000000_b/migration.sql"
        #expect(throws: MigrationDirectoryError.missingScript(path: path)) { try MigrationDirectory.load(from: root.path) }
        #expect(
            MigrationDirectoryError.missingScript(path: "p/migration.sql").description
                == "Could not find the migration file at p/migration.sql. Please delete the directory or restore the migration file.")
    }

    @Test func nonUTF8Script() throws {
        let root = try MigrationFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let script = root.appendingPathComponent("20250101000000_a/migration.sql")
        try FileManager.default.createDirectory(at: script.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data([0x2D, 0x2D, 0x20, 0xE9, 0x0A]).write(to: script)  // "-- é" in Latin-1
        #expect(throws: MigrationDirectoryError.notUTF8(path: script.path)) { try MigrationDirectory.load(from: root.path) }
        #expect(
            MigrationDirectoryError.notUTF8(path: "m.sql").description
                == "m.sql is not valid UTF-8; Prisma reads migration files as UTF-8 text, so re-save it as UTF-8")
    }

    /// A `migration.sql` that cannot be read (here a directory, which even root cannot read as a file).
    @Test func unreadableScript() throws {
        let root = try MigrationFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let script = root.appendingPathComponent("20250101000000_a/migration.sql")
        try FileManager.default.createDirectory(at: script, withIntermediateDirectories: true)
        do {
            _ = try MigrationDirectory.load(from: root.path)
            Issue.record("expected an error")
        } catch {
            guard case .unreadable(let path, let reason) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(path == script.path)
            #expect(!reason.isEmpty)
            #expect(error.description == "cannot read \(script.path): \(reason)")
        }
    }

    @Test func unreadableDescription() {
        #expect(MigrationDirectoryError.unreadable(path: "a/b", reason: "Permission denied").description == "cannot read a/b: Permission denied")
    }
}
