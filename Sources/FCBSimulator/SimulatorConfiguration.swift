import FlowEngine
import FlowEngineHTTP
import Foundation
import WhatsAppCloud

/// A problem that stops `fcb simulate` before the conversation starts (unreadable flow, bad
/// `--context`, bad mock fixtures, …). The CLI prints ``description`` and exits with status 2.
package struct SimulatorError: Error, Sendable, Equatable, CustomStringConvertible {
    package let message: String

    package init(_ message: String) {
        self.message = message
    }

    package var description: String { message }
}

/// One flow file loaded for the simulator: stored as an Active flow of the demo user.
package struct SimulatedFlow: Sendable, Equatable {
    /// The path as given (or found below a directory).
    package var path: String
    /// The file name without `.json`; also the flow's id in the in-memory store.
    package var name: String
    /// The parsed definition, exactly as the dashboard would store it.
    package var definition: JSONValue
    /// `Flow.trigger`: the first trigger node's keyword, or `"default"`.
    package var trigger: String
    /// Errors `fcb validate-flow` reports for this file (the flow still runs; the REPL mentions them).
    package var validationErrors: Int

    package init(path: String, name: String, definition: JSONValue, trigger: String, validationErrors: Int = 0) {
        self.path = path
        self.name = name
        self.definition = definition
        self.trigger = trigger
        self.validationErrors = validationErrors
    }
}

/// What shapes the simulator's output; a transcript header records these so `--check` replays
/// under the same conditions.
package struct SimulatorSettings: Sendable, Equatable {
    package static let defaultPhone = "5491100000000"
    /// 2026-01-01T00:00:00.000Z, the virtual clock's start: transcripts never depend on the wall clock.
    package static let defaultClockStart = Date(timeIntervalSince1970: 1_767_225_600)

    /// The contact's phone, digits only.
    package var from: String = Self.defaultPhone
    /// Seeds the context of every new (or restarted) session.
    package var context: JSONObject?
    /// Print each send's exact Graph API body.
    package var showPayloads = false
    /// Print the trace: trigger, nodes visited, conditions with their result, assignments.
    package var verbose = false
    /// Sleep for real in delay nodes (wall clock) instead of advancing the virtual clock.
    package var realTime = false
    /// Sessions idle longer than this are completed with `endReason: "timeout"`, as in `serve`.
    package var sessionTimeout: TimeInterval = 24 * 3600
    package var clockStart: Date = Self.defaultClockStart

    package init(
        from: String = Self.defaultPhone, context: JSONObject? = nil, showPayloads: Bool = false, verbose: Bool = false,
        realTime: Bool = false, sessionTimeout: TimeInterval = 24 * 3600
    ) {
        self.from = from
        self.context = context
        self.showPayloads = showPayloads
        self.verbose = verbose
        self.realTime = realTime
        self.sessionTimeout = sessionTimeout
    }
}

/// Everything a ``Simulator`` needs.
package struct SimulatorConfiguration: Sendable {
    package var flows: [SimulatedFlow]
    package var settings: SimulatorSettings
    /// Answers the flows' `api` nodes: ``LiveAPIClient`` by default, ``MockAPIClient`` with `--mock-api`.
    package var api: any APIClient
    /// The `--mock-api` file, for the transcript header.
    package var mockAPIPath: String?
    /// `--db`: the SQLite file that keeps the conversation between runs (created when missing);
    /// nil keeps it in memory.
    package var database: String?

    package init(
        flows: [SimulatedFlow], settings: SimulatorSettings = .init(), api: any APIClient = RefusingAPIClient(), mockAPIPath: String? = nil,
        database: String? = nil
    ) {
        self.flows = flows
        self.settings = settings
        self.api = api
        self.mockAPIPath = mockAPIPath
        self.database = database
    }

    /// Releases the live API client, if any.
    package func shutdown() async {
        if let live = api as? LiveAPIClient { try? await live.shutdown() }
    }
}

/// The command line of `fcb simulate`, before anything is read: the CLI fills it from its flags,
/// tests fill it directly. ``SimulatorSetup`` turns it into a ``SimulatorConfiguration``.
package struct SimulatorOptions: Sendable, Equatable {
    package var flowPaths: [String]
    /// `--context`: a JSON object (text).
    package var context: String?
    /// `--from`: the contact's phone.
    package var from: String?
    /// `--db`: the SQLite file that keeps the conversation between runs.
    package var db: String?
    /// `--mock-api`: fixtures file.
    package var mockAPI: String?
    package var realTime = false
    package var showPayloads = false
    package var verbose = false
    package var allowPrivateAPITargets = false

    package init(
        flowPaths: [String], context: String? = nil, from: String? = nil, db: String? = nil, mockAPI: String? = nil,
        realTime: Bool = false, showPayloads: Bool = false, verbose: Bool = false, allowPrivateAPITargets: Bool = false
    ) {
        self.flowPaths = flowPaths
        self.context = context
        self.from = from
        self.db = db
        self.mockAPI = mockAPI
        self.realTime = realTime
        self.showPayloads = showPayloads
        self.verbose = verbose
        self.allowPrivateAPITargets = allowPrivateAPITargets
    }
}

package enum SimulatorSetup {
    /// Reads flows, `--context`, `--from` and `--mock-api`. With a transcript (for `--check`),
    /// its header supplies `from`, `context`, `mock-api` (relative to the transcript's folder)
    /// and the display options unless the command line gives them; the clock is always virtual.
    /// `--db` is refused with a transcript: a check replays from an empty conversation.
    package static func configuration(
        _ options: SimulatorOptions, transcript: Transcript? = nil, transcriptPath: String? = nil
    ) throws(SimulatorError) -> SimulatorConfiguration {
        if options.db != nil, transcript != nil {
            throw SimulatorError(Self.checkWithDatabase)
        }
        guard !options.flowPaths.isEmpty else {
            throw SimulatorError("give at least one flow file or directory, e.g. fcb simulate examples/flows/soporte-menu.json")
        }
        let flows = try SimulatorFlowLoader.load(paths: options.flowPaths)

        var settings = SimulatorSettings()
        var mockPath = options.mockAPI
        if let transcript {
            if let from = transcript.from { settings.from = from }
            if let context = transcript.context { settings.context = try SimulatorContext.parse(context, source: "the transcript's context header") }
            settings.showPayloads = transcript.showPayloads
            settings.verbose = transcript.verbose
            if mockPath == nil, let mock = transcript.mockAPI {
                mockPath = resolve(mock, relativeToFileAt: transcriptPath)
            }
        }
        if let from = options.from {
            settings.from = from
        }
        guard let phone = PhoneNumber.normalize(settings.from) else {
            throw SimulatorError("--from must be a phone number with digits, e.g. 5491100000000 (got \"\(settings.from)\")")
        }
        settings.from = phone
        if let context = options.context {
            settings.context = try SimulatorContext.parse(context)
        }
        settings.showPayloads = settings.showPayloads || options.showPayloads
        settings.verbose = settings.verbose || options.verbose
        // --check must not depend on the wall clock.
        settings.realTime = transcript == nil && options.realTime

        let api: any APIClient
        if let mockPath {
            api = try MockAPIClient.load(path: mockPath)
        } else {
            api = LiveAPIClient(allowPrivateTargets: options.allowPrivateAPITargets)
        }
        return SimulatorConfiguration(flows: flows, settings: settings, api: api, mockAPIPath: mockPath, database: options.db)
    }

    package static let checkWithDatabase =
        "--check replays a transcript from an empty conversation, and a --db file keeps the state of earlier runs; leave out --db"

    /// `path` as is when absolute, else relative to the folder of `file` (or the working directory).
    static func resolve(_ path: String, relativeToFileAt file: String?) -> String {
        guard !path.hasPrefix("/"), let file else { return path }
        let directory = (file as NSString).deletingLastPathComponent
        return directory.isEmpty ? path : (directory as NSString).appendingPathComponent(path)
    }
}

/// `--context`: a JSON object seeding every new session's context.
package enum SimulatorContext {
    package static func parse(_ text: String, source: String = "--context") throws(SimulatorError) -> JSONObject {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: text)
        } catch {
            let location = SourceText(bytes: Array(text.utf8)).location(ofOffset: error.offset)
            throw SimulatorError(
                "\(source) is not valid JSON (\(error.message) at column \(location.column)); give an object such as '{\"contact_name\":\"Ada\"}'")
        }
        guard case .object(let object) = value else {
            throw SimulatorError(
                "\(source) must be a JSON object such as '{\"contact_name\":\"Ada\"}', not \(value.isNull ? "null" : (value.typeName == "array" ? "an array" : "a \(value.typeName)"))"
            )
        }
        return object
    }
}

/// Reads flow files and directories the way `validate-flow` does, and loads each definition
/// with the executor's lenient loader (`sanitizeFlowDefinition`).
package enum SimulatorFlowLoader {
    package static func load(paths: [String]) throws(SimulatorError) -> [SimulatedFlow] {
        if paths.contains("-") {
            throw SimulatorError("simulate cannot read a flow from standard input (stdin carries your messages); give a file or directory")
        }
        var flows: [SimulatedFlow] = []
        var usedNames: Set<String> = []
        for input in FlowInputs.collect(paths, readStandardInput: { [] }) {
            guard let bytes = input.bytes else {
                throw SimulatorError("\(input.path): \(input.readError ?? "cannot read file")")
            }
            var flow = try load(path: input.path, bytes: bytes)
            var name = flow.name
            var n = 2
            while usedNames.contains(name) {
                name = "\(flow.name)-\(n)"
                n += 1
            }
            usedNames.insert(name)
            flow.name = name
            flows.append(flow)
        }
        return flows
    }

    /// One flow file. A definition the executor cannot load is an error, with the validator's
    /// `file:line:col` findings for it.
    package static func load(path: String, bytes: [UInt8]) throws(SimulatorError) -> SimulatedFlow {
        let findings = FlowValidator().validate(bytes: bytes)
        let definitionValue: JSONValue
        do {
            definitionValue = try JSONValue(parsing: bytes)
        } catch {
            throw SimulatorError(failure(path: path, summary: "not valid JSON: \(error.message)", findings: findings))
        }
        let definition: FlowDefinition
        do {
            definition = try FlowDefinition.sanitize(definitionValue)
        } catch {
            throw SimulatorError(failure(path: path, summary: error.description, findings: findings))
        }
        var trigger = "default"
        if let first = definition.nodes.first(where: { $0.type == .trigger }),
            let keyword = first.data["keyword"]?.stringValue, !keyword.trimmingJSWhitespace().isEmpty
        {
            trigger = keyword
        }
        var name = (path as NSString).lastPathComponent
        if name.hasSuffix(".json") { name.removeLast(5) }
        if name.isEmpty { name = "flow" }
        return SimulatedFlow(
            path: path, name: name, definition: definitionValue, trigger: trigger,
            validationErrors: findings.filter { $0.severity == .error }.count)
    }

    private static func failure(path: String, summary: String, findings: [Finding]) -> String {
        var lines = ["cannot load flow \(path): \(summary)"]
        let loadFindings = findings.filter { $0.severity == .error && ($0.rule == ValidationRule.jsonSyntax.id || $0.rule == ValidationRule.flowShape.id) }
        for finding in loadFindings.prefix(10) {
            lines.append("  \(path):\(finding.line):\(finding.column): error: \(finding.message) [\(finding.rule)]")
        }
        if loadFindings.count > 10 { lines.append("  … and \(loadFindings.count - 10) more") }
        lines.append("  run `fcb validate-flow \(path)` for the full report")
        return lines.joined(separator: "\n")
    }
}
