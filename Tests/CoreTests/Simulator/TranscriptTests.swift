import Foundation
import Testing

@testable import FCBSimulator

/// Paths of the repository (the tests read `examples/`).
enum SimRepo {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    static var transcripts: [String] {
        let directory = path("examples/transcripts")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".transcript") }.sorted()
    }

    static var exampleFlows: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path("examples/flows"))) ?? []
        return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix("broken-") }.sorted()
    }

    static func read(_ relative: String) throws -> String {
        try String(contentsOfFile: path(relative), encoding: .utf8)
    }
}

@Suite("Simulator transcripts of the example flows")
struct TranscriptTests {
    @Test func everyExampleFlowHasATranscript() throws {
        #expect(SimRepo.exampleFlows.count == 5)
        var covered: Set<String> = []
        for name in SimRepo.transcripts {
            let transcript = try Transcript.parse(try SimRepo.read("examples/transcripts/\(name)"))
            for flow in transcript.flows { covered.insert((flow as NSString).lastPathComponent) }
        }
        for flow in SimRepo.exampleFlows {
            #expect(covered.contains(flow), "no transcript in examples/transcripts/ runs \(flow)")
        }
    }

    @Test(arguments: SimRepo.transcripts)
    func transcriptMatches(_ name: String) async throws {
        let path = SimRepo.path("examples/transcripts/\(name)")
        let transcript = try Transcript.parse(try String(contentsOfFile: path, encoding: .utf8))
        #expect(!transcript.flows.isEmpty)
        let options = SimulatorOptions(flowPaths: transcript.flows.map(SimRepo.path))
        let result = try await TranscriptCheck.run(path: path, options: options)
        #expect(result.matches, "\(result.summary)\n\(result.diff)")
        #expect(result.exitCode == 0)
        #expect(result.summary.hasPrefix("✓ "))
    }

    /// The committed transcripts cover the branches `examples/flows/README.md` describes.
    @Test func transcriptsCoverTheDocumentedBranches() throws {
        func text(_ name: String) throws -> String { try SimRepo.read("examples/transcripts/\(name).transcript") }
        let seed = try text("seed-options")
        #expect(seed.components(separatedBy: "< bot: You chose option 1").count - 1 == 1)
        #expect(seed.components(separatedBy: "< bot: You chose option 2").count - 1 == 2)
        let soporte = try text("soporte-menu")
        for expected in [
            "*Horarios*", "*Envíos*", "*Medios de pago*", "[document] https://static.example.com", "🏁 ended (resuelto)",
            "Perdón, no entendí", "🤝 handed off to queue soporte-n1", "endReason \"timeout\"",
        ] {
            #expect(soporte.contains(expected), "\(expected)")
        }
        let order = try text("order-status")
        for reason in ["order-shipped", "order-delivered", "order-in-progress", "order-not-found", "api-error", "no-order-number", "cancelled"] {
            #expect(order.contains("🏁 ended (\(reason))"), "\(reason)")
        }
        #expect(order.contains("doesn't look like an order number"))
        let lead = try text("lead-capture")
        #expect(lead.contains("\"estado\": \"calificado\"") || lead.contains("set lead.estado = \"calificado\""))
        #expect(lead.contains("set lead.estado = \"revisar\""))
        #expect(lead.contains("[template confirmacion_lead (es_AR)]"))
        #expect(lead.contains("⏱ 3s"))
        let handoff = try text("handoff-humano")
        #expect(handoff.contains("note: Cliente Ada pidió un agente"))
        #expect(handoff.contains("🏁 ended (handoff-rechazado)"))
        #expect(handoff.contains("Perdón, no te entendí"))
        #expect(try text("handoff-humano-sin-nombre").contains("note: Cliente sin nombre pidió un agente"))
    }

    @Test func twoRecordingsAreByteIdentical() async throws {
        let script = try Transcript.scriptLines(try SimRepo.read("examples/transcripts/soporte-menu.transcript"))
        func record() async throws -> String {
            let configuration = try SimulatorSetup.configuration(SimulatorOptions(flowPaths: [SimRepo.path("examples/flows/soporte-menu.json")]))
            let simulator = try await Simulator(configuration: configuration)
            for line in script {
                switch line {
                case .comment(let text): await simulator.annotate(text)
                case .input(let input): _ = await simulator.send(input)
                }
            }
            return await simulator.transcript().render()
        }
        let first = try await record()
        let second = try await record()
        #expect(first == second)
        #expect(first.contains("2026-01-02T00:00:01.000Z"))
    }

    @Test func wrongTranscriptGivesADiffWithLineNumbers() async throws {
        let original = try SimRepo.read("examples/transcripts/seed-options.transcript")
        let wrong = original.replacingOccurrences(of: "< bot: You chose option 1\n", with: "< bot: You picked option 1\n")
        #expect(wrong != original)
        let configuration = try SimulatorSetup.configuration(
            SimulatorOptions(flowPaths: [SimRepo.path("examples/flows/seed-options.json")], showPayloads: true))
        let result = try await TranscriptCheck.run(transcriptText: wrong, name: "wrong.transcript", configuration: configuration)
        #expect(!result.matches)
        #expect(result.exitCode == 1)
        let lines = result.diff.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "--- expected  wrong.transcript")
        #expect(lines.dropFirst().first?.hasPrefix("+++ actual    (replayed with ") == true)
        let number = try #require(original.split(separator: "\n", omittingEmptySubsequences: false).firstIndex(of: "< bot: You chose option 1")) + 1
        #expect(lines.contains("-\(String(repeating: " ", count: 4 - String(number).count))\(number)        < bot: You picked option 1"))
        #expect(lines.contains("+     \(String(repeating: " ", count: 4 - String(number).count))\(number)   < bot: You chose option 1"))
        #expect(lines.contains { $0.hasPrefix("@@ -") && $0.hasSuffix(" @@") })
        #expect(result.summary == "✗ wrong.transcript: the replay differs (1 line expected but not produced, 1 produced but not expected)")
    }

    @Test func transcriptRoundTripsAndRejectsGarbage() throws {
        let transcript = Transcript(
            flows: ["a.json", "b.json"], from: "549", context: #"{"a":1}"#, mockAPI: "m.json", showPayloads: true, verbose: true,
            turns: [.init(comments: ["first"], input: "hola", output: ["bot: x", "", "  [1] y"]), .init(input: "/vars", output: [])])
        let text = transcript.render()
        #expect(
            text.hasPrefix(
                "# fcb simulate transcript v1\n# flows: a.json, b.json\n# from: 549\n# context: {\"a\":1}\n# mock-api: m.json\n# options: show-payloads, verbose\n\n# first\n> hola\n< bot: x\n<\n<   [1] y\n"
            ))
        #expect(try Transcript.parse(text) == transcript)
        #expect(throws: SimulatorError.self) { try Transcript.parse("> hola\n") }
        #expect(throws: SimulatorError.self) { try Transcript.parse("# fcb simulate transcript v1\n< orphan\n") }
        #expect(throws: SimulatorError.self) { try Transcript.parse("# fcb simulate transcript v1\nhola\n") }
        #expect(throws: SimulatorError.self) { try Transcript.parse("# fcb simulate transcript v1\n# options: colour\n") }
        #expect(try Transcript.scriptLines("# c\nhola\n\n  \n/vars\n") == [.comment("c"), .input("hola"), .input("/vars")])
        #expect(try Transcript.scriptLines(text) == [.comment("first"), .input("hola"), .input("/vars")])
    }

    @Test func mockPathIsWrittenRelativeToTheTranscript() {
        #expect(Transcript.relativePath(of: "/r/examples/transcripts/m.json", fromDirectoryOf: "/r/examples/transcripts/t.transcript") == "m.json")
        #expect(Transcript.relativePath(of: "/r/fixtures/m.json", fromDirectoryOf: "/r/examples/t.transcript") == "../fixtures/m.json")
    }
}
