import ArgumentParser
import Foundation
import FCBStore

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
            throw CommandFailure("\(source): \(error)")
        }
    }
}

/// A failure already explained in words: printed as `error: …`, exit status 2.
struct CommandFailure: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }

    func exit() throws -> Never {
        var standardError = StandardError()
        print("error: \(message)", to: &standardError)
        throw ExitCode(2)
    }
}
