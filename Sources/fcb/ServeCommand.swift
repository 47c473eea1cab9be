import ArgumentParser

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the multi-tenant WhatsApp webhook backend.",
        discussion: """
            Verifies and durably accepts Meta webhook deliveries on /webhook and /api/webhook, \
            runs the tenants' active flows, sends replies through the Graph API, stores everything \
            in the dashboard's database and pushes Socket.IO events to the dashboard.

            With no DATABASE_URL it runs on an embedded SQLite file (./fcb.sqlite) and creates \
            the schema on first start. Settings come from flags, the environment, then .env.
            """
    )

    @Option(help: ArgumentHelp("Bind address (env HOST). Use 0.0.0.0 to expose on all interfaces.", valueName: "address"))
    var host: String?

    @Option(help: ArgumentHelp("HTTP port for webhooks, health and metrics (env PORT, default 3000).", valueName: "port"))
    var port: Int?

    @Option(help: ArgumentHelp("Database: postgres://USER:PASS@HOST/DB or sqlite:PATH (env DATABASE_URL, default sqlite:./fcb.sqlite).", valueName: "url"))
    var databaseURL: String?

    func run() async throws {
        try NotYetAvailable(command: "serve", issue: 6).exit()
    }
}
