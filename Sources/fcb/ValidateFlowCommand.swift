import ArgumentParser
import FCBSupport
import FlowEngine
import Foundation

struct ValidateFlowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate-flow",
        abstract: "Check flow definitions (ReactFlow JSON) for errors before they reach WhatsApp.",
        discussion: """
            Checks every node against the dashboard's schema, the graph (triggers, edges, handles, \
            reachability, goto targets, loops that never wait for the contact), what WhatsApp would \
            reject or cut (button and list limits, body/header/footer lengths, templates, media), \
            condition expressions and {{placeholders}}.

            Each finding has a rule id, a severity, a JSON pointer and file:line:col. \
            Exit status: 0 clean (warnings allowed), 1 errors (or warnings with --strict), \
            2 usage error or unreadable input.

            Examples:
              fcb validate-flow examples/flows/
              fcb validate-flow --format sarif flows/ > flows.sarif
              cat flow.json | fcb validate-flow -
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, sarif
    }

    @Argument(
        help: ArgumentHelp(
            "Flow files, directories (every .json below, recursively) or - for standard input.",
            valueName: "path"),
        completion: .file(extensions: ["json"]))
    var paths: [String] = []

    @Option(help: "Output format: text (compiler-style), json, or sarif (SARIF 2.1.0 for code scanning).")
    var format: Format = .text

    @Flag(help: "Treat warnings as errors (exit status 1 when any warning is found).")
    var strict = false

    @Option(help: ArgumentHelp("Fail (exit 1) when there are more than this many warnings.", valueName: "count"))
    var maxWarnings: Int?

    @Option(
        name: .customLong("ignore"),
        help: ArgumentHelp("Leave out findings of this rule id (repeatable). See --list-rules.", valueName: "rule"))
    var ignoredRules: [String] = []

    @Option(help: ArgumentHelp("Delay cap in seconds that `fcb serve` applies; longer delays are reported.", valueName: "seconds"))
    var maxDelay: Double = 60

    @Flag(help: "Print the rule ids with their default severity and exit.")
    var listRules = false

    @Flag(help: "Disable coloured output (also disabled by NO_COLOR or when output is not a terminal).")
    var noColor = false

    mutating func validate() throws {
        if listRules { return }
        if paths.isEmpty { throw ValidationError("Give at least one flow file, directory, or - for standard input.") }
        for rule in ignoredRules where ValidationRule.named(rule) == nil {
            throw ValidationError("Unknown rule id '\(rule)'. Run `fcb validate-flow --list-rules` to see them.")
        }
        if let maxWarnings, maxWarnings < 0 { throw ValidationError("--max-warnings must be 0 or more.") }
        if !(maxDelay > 0) { throw ValidationError("--max-delay must be a positive number of seconds.") }
    }

    func run() throws {
        if listRules {
            for rule in ValidationRule.all {
                let severity = rule.severity == .info ? "note" : rule.severity.rawValue
                FileHandleWriter.standardOutput(
                    "\(rule.id.padding(toLength: 26, withPad: " ", startingAt: 0)) \(severity.padding(toLength: 8, withPad: " ", startingAt: 0)) \(rule.summary)\n"
                )
            }
            return
        }
        let inputs = FlowInputs.collect(paths) { [UInt8](FileHandle.standardInput.readDataToEndOfFile()) }
        let validator = FlowValidator(options: ValidationOptions(delayCapSeconds: maxDelay, ignoredRules: Set(ignoredRules)))
        let reports = validator.validate(inputs)
        let output: String =
            switch format {
            case .text: TextReport(color: !noColor && FileHandleWriter.useColour(fd: 1)).render(reports)
            case .json: JSONReport.render(reports, version: FCBVersion.current)
            case .sarif: SARIFReport.render(reports, version: FCBVersion.current)
            }
        FileHandleWriter.standardOutput(output)
        let code = ValidationSummary(reports).exitCode(strict: strict, maxWarnings: maxWarnings)
        if code != 0 { throw ExitCode(code) }
    }
}
