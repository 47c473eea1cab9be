import ArgumentParser

struct VerifySignatureCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-signature",
        abstract: "Check an X-Hub-Signature-256 header against a webhook body and explain mismatches.",
        discussion: """
            Exit status 0 when the signature is valid, 1 when it is not. When it is invalid, \
            fcb explains likely causes it can detect: a re-serialised or pretty-printed body, a \
            trailing newline, non-ASCII escaped versus raw, a sha1= header, an empty secret.
            """
    )

    @Argument(help: ArgumentHelp("The raw body file, or - for standard input.", valueName: "body"), completion: .file())
    var body: String?

    @Option(help: ArgumentHelp("The app secret.", valueName: "secret"))
    var secret: String?

    @Option(help: ArgumentHelp("The header value to check, e.g. sha256=<64 hex digits>", valueName: "header"))
    var signature: String?

    func run() async throws {
        try NotYetAvailable(command: "verify-signature", issue: 5).exit()
    }
}
