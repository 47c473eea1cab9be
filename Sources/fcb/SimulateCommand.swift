import ArgumentParser

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Chat with a flow offline in a terminal, or replay a transcript as a regression test.",
        discussion: """
            You type as the contact and see exactly what WhatsApp would receive: buttons and list \
            rows are numbered, templates, media and WhatsApp Flow messages are shown readably. \
            Delays run on a virtual clock. The same executor runs in `fcb serve`.
            """
    )

    @Argument(help: ArgumentHelp("Flow files or a directory of flows (best-flow selection as in serve).", valueName: "flow"),
              completion: .file(extensions: ["json"]))
    var flows: [String] = []

    @Option(help: ArgumentHelp("Replay this transcript and fail with a diff when the bot's replies differ.", valueName: "transcript"),
            completion: .file())
    var check: String?

    func run() async throws {
        try NotYetAvailable(command: "simulate", issue: 3).exit()
    }
}
