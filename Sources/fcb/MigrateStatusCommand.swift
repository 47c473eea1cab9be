import ArgumentParser

struct MigrateStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-status",
        abstract: "Compare prisma/migrations with the database's _prisma_migrations table (read-only).",
        discussion: """
            Reports each migration as applied, pending, failed, rolled back, edited after apply or \
            missing locally, and whether histories diverge. Exit status 0 in sync, 1 otherwise.
            """
    )

    @Option(help: ArgumentHelp("Database URL (env DATABASE_URL).", valueName: "url"))
    var databaseURL: String?

    @Option(help: ArgumentHelp("Migrations folder.", valueName: "dir"), completion: .directory)
    var migrations: String = "prisma/migrations"

    @Flag(help: "Print the status as JSON.")
    var json = false

    func run() async throws {
        try NotYetAvailable(command: "migrate-status", issue: 4).exit()
    }
}

struct MigrateDeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-deploy",
        abstract: "Apply pending migrations, each in a transaction, recording them as Prisma does.",
        discussion: "Safe to run repeatedly; migrations already applied are skipped."
    )

    @Option(help: ArgumentHelp("Database URL (env DATABASE_URL).", valueName: "url"))
    var databaseURL: String?

    @Option(help: ArgumentHelp("Migrations folder.", valueName: "dir"), completion: .directory)
    var migrations: String = "prisma/migrations"

    func run() async throws {
        try NotYetAvailable(command: "migrate-deploy", issue: 4).exit()
    }
}
