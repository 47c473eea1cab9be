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
        return Result(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self), stderr: String(decoding: stderrData, as: UTF8.self))
    }
}

@Suite("fcb command line", .serialized)
struct CLITests {
    @Test func version() throws {
        let result = try CLI.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout == "0.1.0\n")
    }

    @Test(arguments: [
        (["serve"], "serve", 6), (["simulate", "x.json"], "simulate", 3), (["replay-webhook"], "replay-webhook", 5),
        (["verify-signature"], "verify-signature", 5), (["migrate-status"], "migrate-status", 4), (["migrate-deploy"], "migrate-deploy", 4),
    ])
    func commandsNotYetAvailableExitTwo(arguments: [String], name: String, issue: Int) throws {
        let result = try CLI.run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr == "error: fcb \(name) is not yet available in this build (tracked in issue #\(issue)); see `fcb \(name) --help` for what it will do.\n")
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
        let flow = #"{"nodes":[{"id":"t","type":"trigger","data":{"keyword":"hola"}},{"id":"m","type":"message","data":{"text":"x"}}],"edges":[{"id":"e","source":"t","target":"m"}]}"#
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
        #expect(usage.status == 64 || usage.status == 2)
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

    @Test func listRules() throws {
        let result = try CLI.run(["validate-flow", "--list-rules"])
        #expect(result.status == 0)
        #expect(result.stdout.split(separator: "\n").count == 31)
        #expect(result.stdout.hasPrefix("json-syntax "))
    }
}
