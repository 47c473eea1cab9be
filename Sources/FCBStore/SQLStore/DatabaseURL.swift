import Foundation

/// Where the data lives, parsed from `DATABASE_URL` (docs/configuration.md#settings): `postgres://`
/// / `postgresql://` (Prisma's URL form, including its query options), `sqlite:PATH`,
/// `sqlite::memory:`.
package enum DatabaseURL: Sendable, Equatable {
    case postgres(PostgresSettings)
    case sqlite(path: String)
    case sqliteMemory

    /// The embedded default: `./fcb.sqlite`.
    package static let embeddedDefault = DatabaseURL.sqlite(path: "./fcb.sqlite")

    package init(parsing text: String) throws(DatabaseURLError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let lower = trimmed.lowercased()
        if lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") {
            self = .postgres(try PostgresSettings(url: trimmed))
        } else if lower.hasPrefix("sqlite:") || lower.hasPrefix("file:") {
            var path = String(trimmed.drop { $0 != ":" }.dropFirst())
            if path.hasPrefix("//") { path.removeFirst(2) }  // sqlite:///abs/path and sqlite://rel
            if let query = path.firstIndex(of: "?") { path = String(path[..<query]) }
            if path == ":memory:" {
                self = .sqliteMemory
            } else if path.isEmpty {
                throw DatabaseURLError("\(DatabaseURLError.redacted(trimmed)): the SQLite URL has no file path (try sqlite:./fcb.sqlite)")
            } else {
                self = .sqlite(path: path.removingPercentEncoding ?? path)
            }
        } else if trimmed.isEmpty {
            throw DatabaseURLError("DATABASE_URL is empty (use postgres://…, sqlite:PATH or leave it unset for ./fcb.sqlite)")
        } else {
            let scheme = trimmed.split(separator: ":", maxSplits: 1).first.map(String.init) ?? trimmed
            throw DatabaseURLError(
                "unsupported database URL scheme \"\(scheme.prefix(20))\": use postgres://, postgresql://, sqlite:PATH or sqlite::memory:"
            )
        }
    }

    /// For logs: the URL without its password.
    package var redactedDescription: String {
        switch self {
        case .postgres(let s): s.redactedDescription
        case .sqlite(let path): "sqlite:\(path)"
        case .sqliteMemory: "sqlite::memory:"
        }
    }
}
