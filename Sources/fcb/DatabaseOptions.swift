import ArgumentParser
import FCBStore
import Foundation

/// `--database-url`, shared by the commands that open the database.
struct DatabaseOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Database URL: postgres://… (Prisma's form, incl. ?schema= and sslmode=), sqlite:PATH or sqlite::memory:.",
            discussion: "Default: the DATABASE_URL environment variable, else sqlite:./fcb.sqlite.",
            valueName: "url"))
    var databaseURL: String?

    /// The URL to use and where it came from (for messages).
    func resolved() throws -> (url: DatabaseURL, source: String) {
        let text: String?
        let source: String
        if let databaseURL {
            (text, source) = (databaseURL, "--database-url")
        } else if let env = ProcessInfo.processInfo.environment["DATABASE_URL"], !env.isEmpty {
            (text, source) = (env, "DATABASE_URL")
        } else {
            return (.embeddedDefault, "default")
        }
        do {
            return (try DatabaseURL(parsing: text ?? ""), source)
        } catch {
            throw CommandError.unreadableInput("\(source): \(error)")
        }
    }
}

extension DatabaseOptions {
    /// Opens the database these options name without installing anything, runs `body`, and
    /// closes it on every path. A database that cannot be opened is unreadable input (exit 2).
    func withOpenedStore<Result: Sendable>(_ body: (SQLStore, DatabaseURL) async throws -> Result) async throws -> Result {
        let url = try resolved().url
        return try await SQLStore.withOpened(url, installSchema: false) { store in try await body(store, url) }
    }
}
