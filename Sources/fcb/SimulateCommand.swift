import ArgumentParser
import FCBSimulator
import FCBSupport
import Foundation

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Chat with a flow offline in a terminal, or replay a transcript as a regression test.",
        discussion: """
            You type as the contact and see exactly what WhatsApp would receive: bot messages, \
            buttons and list rows numbered (type the number, the title, or /click N to tap one), \
            templates, media and WhatsApp Flow messages in a readable form, plus delays, API calls, \
            handoffs and the end of the conversation. The same conversation engine and executor \
            run in `fcb serve`: several flows or a directory go through the same best-flow \
            selection, and sessions time out after 24 h idle.

            Delays run on a virtual clock (nothing is slept; /advance moves it). API nodes call \
            the real endpoint unless --mock-api answers them from fixtures. Ids and message ids \
            are sequential, so two runs print the same bytes.

            The conversation lives in memory and starts empty every run, unless --db keeps it in \
            a SQLite file (created with fcb's schema when missing): the next run with the same \
            file and --from resumes the open session where the last one stopped (e.g. waiting \
            at a menu), its virtual clock continuing one second after the last stored activity. \
            Ids are then cuids, since the file holds earlier runs' rows. /reset works there too.

            Commands: /help, /vars [all], /node, /history, /reset, /advance DURATION, /timeout, \
            /send-media KIND [URL|ID] [CAPTION], /click N, /text MESSAGE, /save FILE, /quit \
            (or Ctrl-D). On a terminal the REPL uses GNU readline (line editing, Tab completes \
            commands, history in ~/.fcb_history). When standard input is not a terminal there \
            are no prompts and no colours: each input is echoed as "> input" and the output is \
            stable for diffing.

            Transcripts: --record writes the conversation as a plain-text transcript and \
            --check replays one and fails with a diff when the bot's output differs (exit 1), \
            so flows get regression tests in CI. See docs/simulate.md for the format.

            Exit status: 0 ok, 1 --check found a difference, 2 usage error or unreadable input \
            (a flow that cannot be loaded, bad --context, bad fixtures, a --db file that cannot \
            be opened).

            Examples:
              fcb simulate examples/flows/soporte-menu.json
              fcb simulate flows/ --from 5491155550000 --context '{"name":"Ada"}'
              fcb simulate order-status.json --mock-api order-status.mock.json
              fcb simulate flow.json --script inputs.txt --record flow.transcript
              fcb simulate flow.json --check flow.transcript
              fcb simulate flow.json --db sim.sqlite     # run again later to continue
            """
    )

    @Argument(
        help: ArgumentHelp(
            "Flow files or directories of flows (every .json below). Several flows go through serve's best-flow selection.",
            valueName: "flow"),
        completion: .file(extensions: ["json"]))
    var flows: [String] = []

    @Option(help: ArgumentHelp("A JSON object that seeds the context of every new session, e.g. '{\"contact_name\":\"Ada\"}'.", valueName: "json"))
    var context: String?

    @Option(help: ArgumentHelp("The contact's phone number (default 5491100000000).", valueName: "phone"))
    var from: String?

    @Option(
        help: ArgumentHelp(
            "Keep the conversation in this SQLite file (created if missing); the next run with it resumes the open session. Not with --check.",
            valueName: "path"), completion: .file())
    var db: String?

    @Option(
        name: .customLong("mock-api"),
        help: ArgumentHelp("Answer API nodes from this JSON fixtures file instead of the network (see docs/simulate.md).", valueName: "file"),
        completion: .file(extensions: ["json"]))
    var mockAPI: String?

    @Flag(help: "Really sleep in delay nodes (wall clock) instead of advancing the virtual clock.")
    var realTime = false

    @Option(
        help: ArgumentHelp("Read the inputs from this file, one per line (# comments; slash commands allowed; a transcript works too).", valueName: "file"),
        completion: .file())
    var script: String?

    @Option(
        help: ArgumentHelp("Write the conversation to this transcript file at the end (with --check: the replayed conversation).", valueName: "file"),
        completion: .file())
    var record: String?

    @Option(
        help: ArgumentHelp("Replay this transcript and fail with a diff when the bot's replies differ (exit 1).", valueName: "transcript"), completion: .file())
    var check: String?

    @Flag(help: "Also print the exact Graph API JSON body of every message sent.")
    var showPayloads = false

    @Flag(help: "Also print the trace: trigger, nodes visited, conditions with their result, assignments.")
    var verbose = false

    @Flag(
        name: .customLong("allow-private-api-targets"),
        help: "Let API nodes call loopback, private and link-local addresses (refused by default against SSRF).")
    var allowPrivateAPITargets = false

    @Option(help: ArgumentHelp("Readline history file (an empty value disables it).", valueName: "file"), completion: .file())
    var historyFile: String = "~/.fcb_history"

    @Flag(help: "Disable coloured output (also disabled by NO_COLOR or when output is not a terminal).")
    var noColor = false

    /// Usage problems (exit status 2 with the usage line, through `CommandExit`).
    private func usageProblem() -> String? {
        if flows.isEmpty {
            return "give at least one flow file or directory, e.g. fcb simulate examples/flows/soporte-menu.json (see fcb simulate --help)"
        }
        if check != nil && script != nil {
            return "--check replays the transcript's own inputs; leave out --script"
        }
        if check != nil && db != nil {
            return SimulatorSetup.checkWithDatabase
        }
        return nil
    }

    var options: SimulatorOptions {
        SimulatorOptions(
            flowPaths: flows, context: context, from: from, db: db, mockAPI: mockAPI, realTime: realTime, showPayloads: showPayloads,
            verbose: verbose, allowPrivateAPITargets: allowPrivateAPITargets)
    }

    func run() async throws {
        if let problem = usageProblem() { throw CommandError.usage(problem) }
        if let check {
            try await runCheck(check)
            return
        }
        let configuration: SimulatorConfiguration
        let simulator: Simulator
        var source: any SimulateLineSource
        let interactive = script == nil && FileHandleWriter.isTerminal(0)
        do {
            configuration = try SimulatorSetup.configuration(options)
            // The script is read before the store is opened, so a bad script leaves no file.
            let scriptLines = try script.map { path throws(SimulatorError) in
                guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                    throw SimulatorError("--script \(path): cannot read file as UTF-8 text")
                }
                return try Transcript.scriptLines(text)
            }
            do {
                simulator = try await Simulator(configuration: configuration)
            } catch {
                await configuration.shutdown()
                throw error
            }
            if let scriptLines {
                source = ScriptSource(lines: scriptLines, simulator: simulator)
            } else if interactive {
                let history = historyFile.isEmpty ? nil : historyFile.expandingTilde
                source = ReadlineSource(prompt: FileHandleWriter.isTerminal(1) ? SimulateStyle.prompt(colour: colour) : "", historyFile: history)
            } else {
                source = StandardInputSource()
            }
        } catch {
            throw CommandError.unreadableInput("\(error)")
        }

        if interactive { FileHandleWriter.standardOutput(banner(configuration, clock: await simulator.now()) + "\n") }
        if !simulator.startNotice.isEmpty {
            var text = simulator.startNotice.map { SimulateStyle.paint($0, colour: colour) + "\n" }.joined()
            if interactive { text += "\n" }
            FileHandleWriter.standardOutput(text)
        }
        while let line = await source.next() {
            if !interactive, !line.trimmingCharacters(in: .whitespaces).isEmpty {
                FileHandleWriter.standardOutput(SimulateStyle.echo(line, colour: colour) + "\n")
            }
            let reply = await simulator.send(line)
            var text = reply.lines.map { SimulateStyle.paint($0, colour: colour) + "\n" }.joined()
            if interactive, !reply.lines.isEmpty { text += "\n" }
            FileHandleWriter.standardOutput(text)
            if reply.quit { break }
        }
        if interactive { FileHandleWriter.standardOutput("\n") }
        var failure: (any Error)?
        if let record {
            do {
                try await simulator.transcript().write(to: record, mockAPIPath: configuration.mockAPIPath)
            } catch {
                failure = error
            }
        }
        await simulator.close()
        await configuration.shutdown()
        if let failure { throw CommandError.unreadableInput("\(failure)") }
    }

    private func runCheck(_ path: String) async throws {
        let result: TranscriptCheck.Result
        do {
            result = try await TranscriptCheck.run(path: path, options: options)
            if let record {
                // The replayed conversation; its mock path is the one the replay used.
                try result.actual.write(to: record, mockAPIPath: result.actual.mockAPI)
            }
        } catch {
            throw CommandError.unreadableInput("\(error)")
        }
        FileHandleWriter.standardOutput(result.diff + result.summary + "\n")
        if result.exitCode != 0 { throw ExitCode(result.exitCode) }
    }

    private var colour: Bool { !noColor && FileHandleWriter.useColour(fd: 1) }

    private func banner(_ configuration: SimulatorConfiguration, clock: Date) -> String {
        let settings = configuration.settings
        let flows = configuration.flows.map { "\($0.name) (trigger \"\($0.trigger)\")" }.joined(separator: ", ")
        var lines = [
            "fcb simulate · \(configuration.flows.count == 1 ? "flow" : "flows"): \(flows)",
            "you are +\(settings.from) · clock: \(settings.realTime ? "wall clock" : "virtual, \(ISOTimestamp.string(clock))") · api: \(configuration.mockAPIPath.map { "mock \($0)" } ?? "live")\(configuration.database.map { " · store: sqlite \($0)" } ?? "") · readline \(ReadlineSource.libraryVersion)",
            "type a message as the contact; /help for commands, /quit or Ctrl-D to leave",
        ]
        for flow in configuration.flows where flow.validationErrors > 0 {
            lines.append("note: fcb validate-flow reports \(flow.validationErrors) error\(flow.validationErrors == 1 ? "" : "s") in \(flow.path)")
        }
        let text = lines.joined(separator: "\n")
        return colour ? "\u{1B}[2m\(text)\u{1B}[0m\n" : text + "\n"
    }
}
