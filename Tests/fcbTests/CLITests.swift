import Foundation
import Testing

/// Runs the built `fcb` binary (it sits next to the test bundle) and captures its output.
struct CLI {
    static let binary: URL = {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0])
        var directory = testBinary.deletingLastPathComponent()
        // The test runner may live inside an .xctest bundle directory.
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("fcb").path), directory.path != "/" {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("fcb")
    }()

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = root
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self), stderr: String(decoding: stderrData, as: UTF8.self))
    }
}

@Suite("fcb command line", .serialized)
struct CLITests {
    @Test func version() throws {
        let result = try CLI.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout == "0.1.0\n")
    }

    @Test func validExamplesPass() throws {
        let result = try CLI.run(["validate-flow", "examples/flows/seed-options.json", "examples/flows/soporte-menu.json"])
        #expect(result.status == 0)
        #expect(!result.stdout.contains("\u{1B}["))
        #expect(result.stdout.hasSuffix("2 files checked: 0 errors, 0 warnings, 1 note\n"))
    }

    @Test func brokenFlowFailsWithCompilerStyleLines() throws {
        let result = try CLI.run(["validate-flow", "examples/flows/broken-flow.json"])
        #expect(result.status == 1)
        let first = try #require(result.stdout.split(separator: "\n").first)
        #expect(first.hasPrefix("examples/flows/broken-flow.json:"))
        #expect(first.contains(": error: ") || first.contains(": warning: ") || first.contains(": note: "))
        #expect(first.hasSuffix("]"))
    }

    @Test func strictTurnsWarningsIntoFailure() throws {
        let flow =
            #"{"nodes":[{"id":"t","type":"trigger","data":{"keyword":"hola"}},{"id":"m","type":"message","data":{"text":"x"}}],"edges":[{"id":"e","source":"t","target":"m"}]}"#
        let lenient = try CLI.run(["validate-flow", "-"], stdin: Data(flow.utf8))
        #expect(lenient.status == 0)
        #expect(lenient.stdout.hasPrefix("<stdin>:1:"))
        #expect(lenient.stdout.contains("warning: message node 'm' has no outgoing edge"))
        let strict = try CLI.run(["validate-flow", "--strict", "-"], stdin: Data(flow.utf8))
        #expect(strict.status == 1)
        let capped = try CLI.run(["validate-flow", "--max-warnings", "0", "-"], stdin: Data(flow.utf8))
        #expect(capped.status == 1)
        let ignored = try CLI.run(["validate-flow", "--strict", "--ignore", "dead-end", "-"], stdin: Data(flow.utf8))
        #expect(ignored.status == 0)
    }

    @Test func unreadableInputExitsTwo() throws {
        let result = try CLI.run(["validate-flow", "does/not/exist.json", "examples/flows/broken-flow.json"])
        #expect(result.status == 2)
        #expect(result.stdout.hasPrefix("does/not/exist.json: error: no such file or directory\n"))
        let usage = try CLI.run(["validate-flow"])
        #expect(usage.status == 2)
        let badRule = try CLI.run(["validate-flow", "--ignore", "nope", "x.json"])
        #expect(badRule.stderr.contains("Unknown rule id 'nope'"))
    }

    @Test func badInputIsAFindingNotACrash() throws {
        for (input, message) in [
            (Data(), "empty input: expected a JSON value"), (Data("[]".utf8), "Invalid input: expected object, received array"),
            (Data([0x7B, 0xC3, 0x28, 0x7D]), "input is not valid UTF-8"),
            (Data((String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)).utf8), "nesting deeper than 512 levels"),
        ] {
            let result = try CLI.run(["validate-flow", "--format", "json", "-"], stdin: input)
            #expect(result.status == 1)
            #expect(result.stdout.contains(message), "\(message)")
        }
    }

    @Test func jsonAndSarifFormatsAreValidJSON() throws {
        for format in ["json", "sarif"] {
            let result = try CLI.run(["validate-flow", "--format", format, "examples/flows/"])
            #expect(result.status == 1)
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
            #expect(object is [String: Any])
        }
    }

    @Test func colourOnlyWithoutNoColor() throws {
        // Output is a pipe here, so never coloured; NO_COLOR must not change that either.
        let result = try CLI.run(["validate-flow", "examples/flows/broken-flow.json"], environment: ["NO_COLOR": "1"])
        #expect(!result.stdout.contains("\u{1B}["))
    }

    static func temporaryFile(_ name: String, _ contents: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fcb-cli-\(UUID().uuidString)-\(name)").path
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func simulateScriptPrintsAStableConversation() throws {
        let script = try Self.temporaryFile("seed.txt", "# the seed flow\nHola\n2\n/node\n")
        let record = FileManager.default.temporaryDirectory.appendingPathComponent("fcb-cli-\(UUID().uuidString).transcript").path
        defer {
            try? FileManager.default.removeItem(atPath: script)
            try? FileManager.default.removeItem(atPath: record)
        }
        let result = try CLI.run(["simulate", "examples/flows/seed-options.json", "--script", script, "--record", record])
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(!result.stdout.contains("\u{1B}["))
        #expect(
            result.stdout == """
                > Hola
                bot: Welcome! How can I help?
                bot: Please select an option:
                       [1] Option 1
                       [2] Option 2
                > 2
                bot: You chose option 2
                🏁 ended (completed)
                > /node
                node: none
                session: Completed · flow seed-options · id csim000000000000000000002
                ended: completed

                """)
        // The same inputs piped on stdin print the same bytes.
        let piped = try CLI.run(["simulate", "examples/flows/seed-options.json"], stdin: Data("Hola\n2\n/node\n".utf8))
        #expect(piped.status == 0)
        #expect(piped.stdout == result.stdout)
        // The recorded transcript replays cleanly.
        let recorded = try String(contentsOfFile: record, encoding: .utf8)
        #expect(
            recorded.hasPrefix("# fcb simulate transcript v1\n# flows: examples/flows/seed-options.json\n# from: 5491100000000\n\n# the seed flow\n> Hola\n"))
        let check = try CLI.run(["simulate", "examples/flows/seed-options.json", "--check", record])
        #expect(check.status == 0)
        #expect(check.stdout == "✓ \(record): 3 inputs and 9 output lines match\n")
    }

    @Test func simulateCheckPassesOnTheCommittedTranscripts() throws {
        let result = try CLI.run(["simulate", "examples/flows/order-status.json", "--check", "examples/transcripts/order-status.transcript"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("✓ examples/transcripts/order-status.transcript: "))
    }

    @Test func simulateCheckFailsWithADiff() throws {
        let original = try String(contentsOf: CLI.root.appendingPathComponent("examples/transcripts/seed-options.transcript"), encoding: .utf8)
        let wrong = try Self.temporaryFile(
            "wrong.transcript", original.replacingOccurrences(of: "< bot: Welcome! How can I help?\n", with: "< bot: Welcome!\n"))
        defer { try? FileManager.default.removeItem(atPath: wrong) }
        let result = try CLI.run(["simulate", "examples/flows/seed-options.json", "--check", wrong])
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "--- expected  \(wrong)")
        #expect(lines.contains { $0.hasPrefix("-") && $0.hasSuffix("   < bot: Welcome!") })
        #expect(lines.contains { $0.hasPrefix("+") && $0.hasSuffix("   < bot: Welcome! How can I help?") })
        #expect(lines.last == "✗ \(wrong): the replay differs (3 lines expected but not produced, 3 produced but not expected)")
    }

    @Test func simulateUsageErrorsExitTwo() throws {
        let noFlow = try CLI.run(["simulate"])
        #expect(noFlow.status == 2)
        #expect(noFlow.stderr.hasPrefix("error: give at least one flow file or directory"))
        let context = try CLI.run(["simulate", "examples/flows/seed-options.json", "--context", "[]"])
        #expect(context.status == 2)
        #expect(context.stderr == "error: --context must be a JSON object such as '{\"contact_name\":\"Ada\"}', not an array\n")
        let checkWithDB = try CLI.run(["simulate", "examples/flows/seed-options.json", "--check", "t.transcript", "--db", "sim.sqlite"])
        #expect(checkWithDB.status == 2)
        #expect(
            checkWithDB.stderr
                == "error: --check replays a transcript from an empty conversation, and a --db file keeps the state of earlier runs; leave out --db\n"
                + "Usage: fcb simulate [<options>] [<flow> ...]\n  See 'fcb simulate --help' for more information.\n")
        #expect(!FileManager.default.fileExists(atPath: CLI.root.appendingPathComponent("sim.sqlite").path))
        let badDB = try CLI.run(["simulate", "examples/flows/seed-options.json", "--db", "/nonexistent-fcb-dir/sim.sqlite"], stdin: Data("Hola\n".utf8))
        #expect(badDB.status == 2)
        #expect(badDB.stdout == "")
        #expect(
            badDB.stderr
                == "error: --db /nonexistent-fcb-dir/sim.sqlite: cannot open sqlite:/nonexistent-fcb-dir/sim.sqlite: directory /nonexistent-fcb-dir does not exist\n"
        )
        let broken = try CLI.run(["simulate", "examples/flows/broken-flow.json"])
        #expect(broken.status == 2)
        #expect(broken.stderr.hasPrefix("error: cannot load flow examples/flows/broken-flow.json: Invalid flow definition"))
        let both = try CLI.run(["simulate", "x.json", "--check", "a", "--script", "b"])
        #expect(both.status == 2)
    }

    @Test func simulateWithDBResumesInTheNextRun() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fcb-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("sim.sqlite").path
        let firstScript = try Self.temporaryFile("first.txt", "Hola\n")
        let secondScript = try Self.temporaryFile("second.txt", "/node\n2\n")
        defer {
            try? FileManager.default.removeItem(atPath: firstScript)
            try? FileManager.default.removeItem(atPath: secondScript)
        }
        let first = try CLI.run(["simulate", "examples/flows/seed-options.json", "--db", db, "--script", firstScript])
        #expect(first.status == 0)
        #expect(first.stderr == "")
        #expect(
            first.stdout == """
                💾 \(db): a new conversation with +5491100000000
                > Hola
                bot: Welcome! How can I help?
                bot: Please select an option:
                       [1] Option 1
                       [2] Option 2

                """)
        let second = try CLI.run(["simulate", "examples/flows/seed-options.json", "--db", db, "--script", secondScript])
        #expect(second.status == 0)
        #expect(second.stderr == "")
        let lines = second.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(
            Array(lines.prefix(4)) == [
                "💾 \(db): resuming session seed-options, Paused at node n3 (options), last activity 2026-01-01T00:00:00.000Z",
                "   the last bot message's choices still work: [1] Option 1 · [2] Option 2",
                "> /node",
                "node: n3 (options)",
            ])
        #expect(lines[4].hasPrefix("session: Paused · flow seed-options · id c"))
        #expect(
            Array(lines.dropFirst(5)) == [
                "idle: 1s of the 24h session timeout",
                "> 2",
                "bot: You chose option 2",
                "🏁 ended (completed)",
                "",
            ])
        // A third run finds the session completed.
        let third = try CLI.run(["simulate", "examples/flows/seed-options.json", "--db", db], stdin: Data())
        #expect(third.status == 0)
        #expect(third.stdout == "💾 \(db): +5491100000000 has no open session (last session: seed-options, Completed); the next message starts one\n")
    }

    @Test func listRules() throws {
        let result = try CLI.run(["validate-flow", "--list-rules"])
        #expect(result.status == 0)
        #expect(result.stdout.split(separator: "\n").count == 31)
        #expect(result.stdout.hasPrefix("json-syntax "))
    }
}

@Suite("standard output closed early")
struct ClosedStdoutTests {
    /// `fcb … | head -c 1`: the reader goes away; fcb must stop quietly (status 141, as SIGPIPE
    /// would), not trap in Foundation.
    @Test func aClosedPipeEndsTheCommandQuietly() throws {
        // Thousands of result lines (a refused loopback port answers at once): far more than a pipe holds.
        let script =
            "\"$0\" replay-webhook examples/webhooks/text-hola.json --repeat 3000 --url http://127.0.0.1:1/webhook --secret x"
            + " | head -c 1 > /dev/null; echo \"status=${PIPESTATUS[0]}\""
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script, CLI.binary.path]
        process.currentDirectoryURL = CLI.root
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "status=141", "\(stdout)")
        #expect(!stderr.contains("Fatal error"), "\(stderr)")
        #expect(!stderr.contains("crashed"), "\(stderr)")
    }
}
