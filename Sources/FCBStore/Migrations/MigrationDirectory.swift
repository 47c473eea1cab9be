import Foundation

/// A Prisma migrations directory (`prisma/migrations`): the provider from `migration_lock.toml`
/// and every migration folder, sorted by name as Prisma sorts them.
package struct MigrationDirectory: Sendable, Equatable {
    /// The path it was loaded from, as given (used in messages).
    package let path: String
    /// The provider named in `migration_lock.toml`; nil when there is no lock file.
    package let provider: String?
    package let migrations: [LocalMigration]

    package static let lockFileName = "migration_lock.toml"
    package static let scriptFileName = "migration.sql"

    package init(path: String, provider: String?, migrations: [LocalMigration]) {
        self.path = path
        self.provider = provider
        self.migrations = migrations
    }

    /// Reads the directory. Every sub-directory is a migration and must hold a readable UTF-8
    /// `migration.sql`; files beside them (the lock file, a README) are ignored, as Prisma does.
    package static func load(from path: String) throws(MigrationDirectoryError) -> MigrationDirectory {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .directoryNotFound(path: path)
        }
        guard isDirectory.boolValue else { throw .notADirectory(path: path) }
        let entries: [String]
        do {
            entries = try fileManager.contentsOfDirectory(atPath: path)
        } catch {
            throw .unreadable(path: path, reason: Self.reason(error))
        }

        var migrations: [LocalMigration] = []
        for name in entries.sorted(by: Self.prismaOrder) {
            let folder = Self.join(path, name)
            var entryIsDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: folder, isDirectory: &entryIsDirectory), entryIsDirectory.boolValue else {
                continue
            }
            let scriptPath = Self.join(folder, scriptFileName)
            guard fileManager.fileExists(atPath: scriptPath) else { throw .missingScript(path: scriptPath) }
            let bytes = try read(scriptPath)
            guard String(validating: bytes, as: UTF8.self) != nil else { throw .notUTF8(path: scriptPath) }
            migrations.append(LocalMigration(name: name, scriptBytes: bytes))
        }

        let lockPath = Self.join(path, lockFileName)
        var provider: String?
        if fileManager.fileExists(atPath: lockPath) {
            let bytes = try read(lockPath)
            guard let text = String(validating: bytes, as: UTF8.self) else { throw .notUTF8(path: lockPath) }
            provider = MigrationLockFile.provider(in: text)
        }
        return MigrationDirectory(path: path, provider: provider, migrations: migrations)
    }

    /// Byte-wise name order. Prisma sorts with `localeCompare`, which agrees for the
    /// `{14-digit timestamp}_{snake_case}` names Prisma generates.
    static func prismaOrder(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    private static func read(_ path: String) throws(MigrationDirectoryError) -> [UInt8] {
        do {
            return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw .unreadable(path: path, reason: reason(error))
        }
    }

    private static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    private static func reason(_ error: any Error) -> String {
        if let posix = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(posix.code)))
        }
        return (error as NSError).localizedDescription
    }
}
