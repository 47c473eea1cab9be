import ArgumentParser
import FCBStore
import FCBSupport
import Foundation

struct MigrateStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-status",
        abstract: "Compare prisma/migrations with the database's _prisma_migrations table (read-only).",
        discussion: """
            PostgreSQL: reports each migration as applied, pending, failed, rolled back, edited after \
            apply (checksum = SHA-256 of migration.sql; CRLF/LF variants and Prisma's legacy unpadded \
            form are accepted) or missing locally; whether the histories diverge, and the last \
            migration they share; a database not managed by Prisma; and the version of fcb's own \
            `fcb` schema. Nothing is written.

            SQLite (the embedded default): fcb embeds the whole schema, so only its version is \
            reported.

            Exit status: 0 in sync, 1 not in sync, 2 when the database or the migrations folder \
            cannot be read.
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("The Prisma migrations folder.", valueName: "dir"), completion: .directory)
    var migrations: String = "prisma/migrations"

    @Flag(help: "Print the status as one JSON object (keys in docs/migrations.md).")
    var json = false

    func run() async throws {
        let url = try database.resolved().url
        let output: String
        let exitCode: Int32
        switch url {
        case .postgres:
            let directory: MigrationDirectory
            do { directory = try MigrationDirectory.load(from: migrations) } catch { throw CommandError.unreadableInput("\(error)") }
            let status = try await database.withOpenedStore { store, _ in
                try await MigrationRunner(database: store.database).status(directory: directory)
            }
            output =
                json
                ? MigrationStatusJSON.render(status, migrationsPath: migrations, version: FCBVersion.current)
                : MigrationStatusText.render(status, migrationsPath: migrations)
            exitCode = status.exitCode
        case .sqlite(let path) where !FileManager.default.fileExists(atPath: path):
            let status = EmbeddedSchemaStatus(database: url.redactedDescription, version: FCBSchemaVersion(current: nil, latest: FCBSchema.latest))
            output = json ? status.json : status.text
            exitCode = status.exitCode
        case .sqlite, .sqliteMemory:
            let version = try await database.withOpenedStore { store, _ in
                try await MigrationRunner(database: store.database).fcbSchemaVersion()
            }
            let status = EmbeddedSchemaStatus(database: url.redactedDescription, version: version)
            output = json ? status.json : status.text
            exitCode = status.exitCode
        }
        FileHandleWriter.standardOutput(output)
        if exitCode != 0 { throw ExitCode(exitCode) }
    }
}
