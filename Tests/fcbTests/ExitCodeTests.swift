import FCBTesting
import Foundation
import Testing

/// Every subcommand's exit status for a usage error, a failure (a finding) and a success, as
/// docs/cli.md promises: 2 usage error or unreadable input, 1 finding or failure, 0 success.
/// Usage errors also print the command's usage line; all diagnostics start with `error: `.
@Suite("Exit codes per subcommand", .serialized)
struct ExitCodeTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let arguments: [String]
        let status: Int32
        /// What standard error must start with.
        let stderrPrefix: String
        /// The usage line that must follow a usage error.
        let usage: String?
        var testDescription: String { "fcb " + arguments.joined(separator: " ") + " → \(status)" }

        init(_ arguments: [String], _ status: Int32, _ stderrPrefix: String = "", usage: String? = nil) {
            self.arguments = arguments
            self.status = status
            self.stderrPrefix = stderrPrefix
            self.usage = usage
        }
    }

    static let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fcb-exit-\(UUID().uuidString.prefix(8))").path
    static var database: String { "sqlite:" + directory + "/fcb.sqlite" }
    static var body: String { directory + "/body.json" }
    static var script: String { directory + "/script.txt" }

    static let cases: [Case] = [
        // fcb itself
        Case(["no-such-command"], 2, "error: Unexpected argument 'no-such-command'", usage: "Usage: fcb <subcommand>"),
        Case(["--version"], 0),
        // validate-flow
        Case(["validate-flow"], 2, "error: Give at least one flow file", usage: "Usage: fcb validate-flow"),
        Case(
            ["validate-flow", "--format", "yaml", "x.json"], 2, "error: The value 'yaml' is invalid for '--format <format>'", usage: "Usage: fcb validate-flow"),
        Case(["validate-flow", "--ignore", "nope", "x.json"], 2, "error: Unknown rule id 'nope'", usage: "Usage: fcb validate-flow"),
        Case(["validate-flow", "does/not/exist.json"], 2),
        Case(["validate-flow", "examples/flows/broken-flow.json"], 1),
        Case(["validate-flow", "examples/flows/seed-options.json"], 0),
        // simulate
        Case(["simulate"], 2, "error: give at least one flow file or directory", usage: "Usage: fcb simulate"),
        Case(["simulate", "examples/flows/seed-options.json", "--context", "[1]"], 2, "error: --context must be a JSON object"),
        Case(["simulate", "examples/flows/seed-options.json", "--script", script], 0),
        // verify-signature
        Case(["verify-signature"], 2, "error: give the body file", usage: "Usage: fcb verify-signature"),
        Case(["verify-signature", "does/not/exist.json", "--secret", "s", "--sign"], 2, "error: does/not/exist.json: "),
        Case(["verify-signature", body, "--secret", "s", "--signature", "sha256=00"], 1),
        Case(["verify-signature", body, "--secret", "s", "--sign"], 0),
        // replay-webhook
        Case(["replay-webhook"], 2, "error: give payload files", usage: "Usage: fcb replay-webhook"),
        Case(["replay-webhook", "--text", "hola", "--secret", "s", "--url", "http://127.0.0.1:1/webhook", "--timeout", "2"], 1),
        // migrate-status, migrate-deploy, inbox (on a SQLite file made by migrate-deploy)
        Case(["migrate-status", "unexpected"], 2, "error: Unexpected argument 'unexpected'", usage: "Usage: fcb migrate-status"),
        Case(["migrate-status", "--database-url", "bogus://x"], 2, "error: --database-url: unsupported database URL scheme"),
        Case(["migrate-status", "--database-url", database], 1),
        Case(["migrate-deploy", "--baseline"], 2, "error: Missing value for '--baseline <migration>'", usage: "Usage: fcb migrate-deploy"),
        Case(["migrate-deploy", "--database-url", database], 0),
        Case(["migrate-status", "--database-url", database], 0),
        Case(["inbox", "requeue", "--database-url", database], 2, "error: give item ids or --all", usage: "Usage: fcb inbox requeue"),
        Case(["inbox", "requeue", "--database-url", database, "abc"], 2, "error: 'abc' is not an inbox item id", usage: "Usage: fcb inbox requeue"),
        Case(["inbox", "--database-url", database], 0),
        // serve: configuration errors (its run is covered by ServeCommandTests)
        Case(["serve", "--port", "notaport"], 2, "error: invalid --port \"notaport\""),
        // dev fake-graph
        Case(["dev", "fake-graph", "--port", "70000"], 2, "error: --port must be between 0 and 65535", usage: "Usage: fcb dev fake-graph"),
    ]

    init() throws {
        try FileManager.default.createDirectory(atPath: Self.directory, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: Self.body))
        try Data("hola\n".utf8).write(to: URL(fileURLWithPath: Self.script))
    }

    /// In order: the migrate-status cases before and after migrate-deploy depend on it.
    @Test(arguments: cases) func exitStatus(_ c: Case) throws {
        let result = try CLI.run(c.arguments, environment: ["DATABASE_URL": "", "META_APP_SECRET": ""])
        #expect(result.status == c.status, "\(result.stderr)")
        #expect(result.stderr.hasPrefix(c.stderrPrefix), "\(result.stderr)")
        if let usage = c.usage {
            let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.contains { $0.hasPrefix(usage) }, "\(result.stderr)")
            #expect(result.stderr.contains("--help' for more information."), "\(result.stderr)")
        } else if c.status == 2 {
            #expect(!result.stderr.contains("Usage: "), "\(result.stderr)")
        }
    }
}
