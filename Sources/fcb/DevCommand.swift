import ArgumentParser
import FCBTesting
import Foundation

/// Tools for developing fcb itself; hidden from `fcb --help` and the completions (the generated
/// man page still lists it: generate-manual does not skip hidden commands).
struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Developer tools for working on fcb.",
        shouldDisplay: false,
        subcommands: [FakeGraphCommand.self, ConformanceServerCommand.self]
    )
}

struct FakeGraphCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fake-graph",
        abstract: "Run a fake WhatsApp Graph API on 127.0.0.1 that records requests and can be scripted to fail.",
        discussion: """
            Answers POST /{version}/{phone-number-id}/messages with Meta's success body \
            (message ids wamid.FAKE000001, wamid.FAKE000002 and so on), /register with {"success":true}, any other path \
            with {"success":true} (a webhook sink), and 401 without a bearer token. Point \
            META_GRAPH_URL at the printed URL. Every request is printed as it is answered; \
            GET /__fake/requests lists them as JSON, DELETE /__fake/requests forgets them; \
            PUT /__fake/rules replaces the failure rules with a script (the --script format) \
            and DELETE /__fake/rules clears them, to start and end an outage while fcb runs.

            --script FILE scripts failures: a JSON array of rules such as \
            [{"phone_number_id":"106540352242922","times":2,"error":130429}, \
            {"status":503,"body":"down"}, {"delay_ms":20000}, {"drop":true}]. A rule may narrow \
            by phone_number_id, to and edge (messages, register, other), answer times times \
            (default 1) or always, and reply with error (a Meta code, optional http_status, \
            subcode, message), status (optional body), drop, or success after delay_ms.

            Stop it with Ctrl-C.
            """
    )

    @Option(help: ArgumentHelp("Port to listen on (0 picks a free one).", valueName: "port"))
    var port: Int = 0

    @Option(help: ArgumentHelp("JSON file of failure rules (see above).", valueName: "file"), completion: .file(extensions: ["json"]))
    var script: String?

    func run() async throws {
        var rules: [FakeGraphRule] = []
        if let script {
            guard let data = FileManager.default.contents(atPath: script) else {
                throw CommandError.unreadableInput("--script \(script): cannot read file")
            }
            do {
                rules = try FakeGraphScript.rules(from: [UInt8](data))
            } catch {
                throw CommandError.unreadableInput("--script \(script): \(error)")
            }
        }
        guard (0...65535).contains(port) else {
            throw CommandError.usage("--port must be between 0 and 65535")
        }
        let fake = try await FakeGraphAPI.start(port: port, rules: rules) { request in
            let status = request.responseStatus.map(String.init) ?? "dropped"
            // One line per request: runs of whitespace (pretty-printed bodies) become one space.
            var body = request.bodyText.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
            if body.count > 200 { body = body.prefix(200) + "…" }
            FileHandleWriter.standardOutput("#\(request.sequence) \(request.method) \(request.path) → \(status) \(body)\n")
        }
        FileHandleWriter.standardOutput(
            "fake Graph API listening on \(fake.url) (\(rules.count) scripted rule\(rules.count == 1 ? "" : "s")); Ctrl-C stops it\n")
        await SignalWaiter.waitForTermination()
        let count = await fake.requestCount
        await fake.stop()
        FileHandleWriter.standardOutput("stopped after \(count) request\(count == 1 ? "" : "s")\n")
    }
}
