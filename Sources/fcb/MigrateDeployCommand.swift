import ArgumentParser
import FCBStore
import Foundation

struct MigrateDeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-deploy",
        abstract: "Apply pending migrations, each in a transaction, recording them as Prisma does.",
        discussion: """
            PostgreSQL: applies every pending migration of the Prisma migrations folder in name \
            order, each in its own transaction together with its `_prisma_migrations` row (uuid id, \
            checksum, started_at, finished_at, applied_steps_count), under Prisma's advisory lock so \
            it never runs at the same time as `prisma migrate deploy`. A failing migration is rolled \
            back and recorded as failed with the database's error in `logs`; later deploys refuse \
            until it is resolved (Prisma's P3009). A database created with `prisma db push` (tables, \
            no history) is refused (P3005) unless --baseline names the last migration it already \
            contains. Then fcb's own `fcb` schema is brought up to date.

            SQLite: creates or upgrades the embedded schema.

            Safe to run repeatedly: migrations already applied are skipped. Exit status 0 on \
            success, 1 when a migration failed or the deploy was refused, 2 on a connection or \
            folder error.
            """
    )

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("The Prisma migrations folder.", valueName: "dir"), completion: .directory)
    var migrations: String = "prisma/migrations"

    @Option(
        help: ArgumentHelp(
            "Record migrations up to and including this one as already applied, without running them.",
            discussion: "For a database whose tables exist but that has no _prisma_migrations (e.g. made by `prisma db push`).",
            valueName: "migration"))
    var baseline: String?

    func run() async throws {
        let url = try database.resolved().url
        let directory: MigrationDirectory
        switch url {
        case .postgres:
            do { directory = try MigrationDirectory.load(from: migrations) } catch { throw CommandError.unreadableInput("\(error)") }
        case .sqlite, .sqliteMemory:
            directory = MigrationDirectory(path: migrations, provider: nil, migrations: [])
        }
        let result: Result<DeployReport, DeployFailure> = try await database.withOpenedStore { store, _ in
            do throws(DeployFailure) {
                return .success(
                    try await MigrationRunner(database: store.database).deploy(directory: directory, options: DeployOptions(baselineThrough: baseline)))
            } catch {
                return .failure(error)
            }
        }
        switch result {
        case .success(let report):
            FileHandleWriter.standardOutput(DeployReportText.render(report, database: url.redactedDescription))
        case .failure(.migrationFailed(let name, let error, let logs, let report)):
            if report != DeployReport() {
                FileHandleWriter.standardOutput(DeployReportText.render(report, database: url.redactedDescription))
            }
            throw CommandError.failure("migration `\(name)` failed and was rolled back; it is recorded as failed.\n\(error.message)\n\n\(logs)")
        case .failure(.refused(let refusal)):
            throw CommandError.failure("\(refusal.code): \(refusal.message)")
        case .failure(.database(let error)):
            throw CommandError.unreadableInput(error.message)
        }
    }
}
