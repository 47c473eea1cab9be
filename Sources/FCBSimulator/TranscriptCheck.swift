import Foundation

/// `fcb simulate FLOW --check TRANSCRIPT`: replays a transcript's inputs through a fresh
/// simulator and compares every output line.
package enum TranscriptCheck {
    package struct Result: Sendable {
        package var matches: Bool
        /// One line: what was checked and the verdict.
        package var summary: String
        /// The unified-style diff (empty when the transcript matches).
        package var diff: String
        /// The replayed conversation, e.g. to write with `--record` and accept the change.
        package var actual: Transcript
        /// 0 when the transcript matches, 1 when not.
        package var exitCode: Int32 { matches ? 0 : 1 }
    }

    /// Parses `text` (the transcript file `name`), replays it with `configuration` and compares.
    package static func run(transcriptText text: String, name: String, configuration: SimulatorConfiguration) async throws(SimulatorError) -> Result {
        if configuration.database != nil { throw SimulatorError(SimulatorSetup.checkWithDatabase) }
        let (expected, expectedLines) = try Transcript.parseNumbered(text)
        let simulator = try await Simulator(configuration: configuration)
        for turn in expected.turns {
            for comment in turn.comments { await simulator.annotate(comment) }
            _ = await simulator.send(turn.input)
        }
        let actual = await simulator.transcript()
        await simulator.close()
        var rendered = actual
        rendered.mockAPI = expected.mockAPI
        let (_, actualLines) = try Transcript.parseNumbered(rendered.render())
        let flows = configuration.flows.map(\.path).joined(separator: ", ")
        let diff = TranscriptDiff.unified(
            expected: expectedLines, actual: actualLines, expectedName: name, actualName: "(replayed with \(flows))")
        let outputCount = expected.turns.reduce(0) { $0 + $1.output.count }
        if diff.isEmpty {
            return Result(
                matches: true,
                summary:
                    "✓ \(name): \(expected.turns.count) input\(expected.turns.count == 1 ? "" : "s") and \(outputCount) output line\(outputCount == 1 ? "" : "s") match",
                diff: "", actual: actual)
        }
        let ops = TranscriptDiff.operations(expected: expectedLines, actual: actualLines)
        let removed = ops.filter { if case .removed = $0 { true } else { false } }.count
        let added = ops.filter { if case .added = $0 { true } else { false } }.count
        return Result(
            matches: false,
            summary: "✗ \(name): the replay differs (\(removed) line\(removed == 1 ? "" : "s") expected but not produced, \(added) produced but not expected)",
            diff: diff, actual: actual)
    }

    /// Reads the transcript at `path`, builds the configuration from `options` plus the
    /// transcript's header (``SimulatorSetup``) and checks it.
    package static func run(path: String, options: SimulatorOptions) async throws(SimulatorError) -> Result {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SimulatorError("--check \(path): cannot read file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SimulatorError("--check \(path): not UTF-8 text")
        }
        let transcript = try Transcript.parse(text)
        let configuration = try SimulatorSetup.configuration(options, transcript: transcript, transcriptPath: path)
        let result = try await run(transcriptText: text, name: path, configuration: configuration)
        await configuration.shutdown()
        return result
    }
}
