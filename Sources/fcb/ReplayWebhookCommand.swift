import ArgumentParser

struct ReplayWebhookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay-webhook",
        abstract: "POST recorded or synthetic Meta webhook deliveries to a server, correctly signed.",
        discussion: """
            Sends the exact bytes of each payload with a valid X-Hub-Signature-256 header and \
            prints the status and body of every response.
            """
    )

    @Argument(help: ArgumentHelp("Payload files, directories, or - for standard input.", valueName: "payload"),
              completion: .file(extensions: ["json"]))
    var payloads: [String] = []

    @Option(help: ArgumentHelp("Webhook URL, e.g. http://127.0.0.1:3000/webhook.", valueName: "url"))
    var url: String?

    @Option(help: ArgumentHelp("App secret used to sign (env META_APP_SECRET).", valueName: "secret"))
    var secret: String?

    func run() async throws {
        try NotYetAvailable(command: "replay-webhook", issue: 5).exit()
    }
}
