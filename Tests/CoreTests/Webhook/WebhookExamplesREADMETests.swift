import Foundation
import Testing

@testable import WhatsAppCloud

/// `examples/webhooks/README.md` lists every example with the text a flow sees and its
/// signature with `demo-secret`; the table must stay true.
@Suite("Webhook examples README")
struct WebhookExamplesREADMETests {
    struct Row {
        let file: String
        let text: String
        let runsFlows: String
        let signature: String
    }

    static func rows() throws -> [Row] {
        let readme = try String(contentsOf: WebhookExamples.directory.appendingPathComponent("README.md"), encoding: .utf8)
        return readme.split(separator: "\n").compactMap { line -> Row? in
            guard line.hasPrefix("| `"), line.hasSuffix("` |") else { return nil }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 8 else { return nil }
            func unquote(_ cell: String) -> String {
                cell.hasPrefix("`") && cell.hasSuffix("`") && cell.count >= 2 ? String(cell.dropFirst().dropLast()) : cell
            }
            return Row(file: unquote(cells[1]), text: unquote(cells[4]), runsFlows: cells[5], signature: unquote(cells[6]))
        }
    }

    @Test func everyExampleIsListedWithItsSignature() throws {
        let rows = try Self.rows()
        #expect(rows.map(\.file).sorted() == WebhookExamples.names)
        for row in rows {
            let bytes = try WebhookExamples.bytes(row.file)
            #expect(WebhookSignature.verify(body: bytes, secret: "demo-secret", header: row.signature) == .valid(candidate: 0), "\(row.file)")
        }
    }

    @Test func listedTextIsWhatTheFlowSees() throws {
        for row in try Self.rows() {
            let messages = try WebhookExamples.delivery(row.file).messageEvents.map(\.message)
            let texts = messages.compactMap { $0.inboundContent.text }
            #expect(texts.joined(separator: " / ") == row.text, "\(row.file)")
            if !messages.isEmpty {
                #expect(messages.allSatisfy { $0.inboundContent.runsFlows == (row.runsFlows == "yes") }, "\(row.file)")
            }
        }
    }
}
