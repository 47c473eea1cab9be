/// Why a migrations directory could not be loaded, worded for the person running fcb.
package enum MigrationDirectoryError: Error, Sendable, Equatable, CustomStringConvertible {
    case directoryNotFound(path: String)
    case notADirectory(path: String)
    case unreadable(path: String, reason: String)
    case missingScript(path: String)
    case notUTF8(path: String)

    package var description: String {
        switch self {
        case .directoryNotFound(let path):
            "migrations directory not found: \(path) (pass --migrations DIR, or run from the repository root)"
        case .notADirectory(let path):
            "not a directory: \(path) (--migrations takes the folder that holds the migration folders)"
        case .unreadable(let path, let reason):
            "cannot read \(path): \(reason)"
        case .missingScript(let path):
            // Prisma's P3015 wording.
            "Could not find the migration file at \(path). Please delete the directory or restore the migration file."
        case .notUTF8(let path):
            "\(path) is not valid UTF-8; Prisma reads migration files as UTF-8 text, so re-save it as UTF-8"
        }
    }
}
