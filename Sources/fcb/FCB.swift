import ArgumentParser
import FCBSupport

@main
struct FCB: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fcb",
        abstract: "Run WhatsApp chatbot flows on Meta's WhatsApp Cloud API.",
        discussion: """
            fcb is one binary for the whole life of a WhatsApp chatbot: `serve` is the multi-tenant \
            webhook backend next to the dashboard, `simulate` chats with a flow offline, \
            `validate-flow` checks flow JSON in editors and CI, and `replay-webhook`, \
            `verify-signature` and `migrate-status` help debug deliveries and deployments.

            Configuration comes from flags, then the environment, then a `.env` file in the \
            working directory (DATABASE_URL, PORT, META_APP_SECRET and the rest).
            """,
        version: FCBVersion.current,
        subcommands: [
            ServeCommand.self,
            SimulateCommand.self,
            ValidateFlowCommand.self,
            ReplayWebhookCommand.self,
            VerifySignatureCommand.self,
            MigrateStatusCommand.self,
            MigrateDeployCommand.self,
            InboxCommand.self,
            DevCommand.self,
        ]
    )

    /// Parses, runs, and sends every error through `CommandExit`, so each command fails the same
    /// way (ArgumentParser's own `main` would exit 64 for usage errors; fcb exits 2).
    static func main() async {
        var command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            CommandExit.parsing(error)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            CommandExit.running(error, in: type(of: command))
        }
    }
}
