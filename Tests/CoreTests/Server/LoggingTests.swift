import FCBServe
import FlowEngine
import Foundation
import Logging
import Synchronization
import Testing

@Suite("fcb serve logging")
struct LoggingTests {
    final class Lines: Sendable {
        private let storage = Mutex<[String]>([])
        var all: [String] { storage.withLock { $0 } }
        func append(_ line: String) { storage.withLock { $0.append(line) } }
    }

    @Test func jsonLinesCarryTimestampLevelLabelMessageAndFlattenedMetadata() {
        let lines = Lines()
        let instant = Date(timeIntervalSince1970: 1_764_403_502.123_9)
        var logger = Logger(label: "fcb.serve") { label in
            JSONLogHandler(label: label, level: .debug, now: { instant }, write: lines.append)
        }
        logger[metadataKey: "service"] = "fcb"
        logger.info(
            "webhook \"request\"\nsecond line",
            metadata: [
                "request_id": "abc", "status": .stringConvertible(200), "ratio": .stringConvertible(0.25), "tenant": ["id": "u1", "phone": ["number": "+1"]],
                "tags": ["a", "b"], "message": "collides",
            ])
        logger.trace("not at this level")
        #expect(
            lines.all == [
                #"{"timestamp":"2025-11-29T08:05:02.123Z","level":"info","label":"fcb.serve","message":"webhook \"request\"\nsecond line","#
                    + #""metadata.message":"collides","ratio":0.25,"request_id":"abc","service":"fcb","status":200,"tags":["a","b"],"tenant.id":"u1","tenant.phone.number":"+1"}"#
                    + "\n"
            ])
    }

    @Test func everyLineIsOneJSONObject() throws {
        let lines = Lines()
        let logger = Logger(label: "x") { JSONLogHandler(label: $0, write: lines.append) }
        logger.warning("a")
        logger.error("b", metadata: ["k": "v"])
        #expect(lines.all.count == 2)
        for line in lines.all {
            #expect(line.hasSuffix("}\n"))
            #expect(!line.dropLast().contains("\n"))
            let object = try JSONValue(parsing: String(line.dropLast()))
            #expect(object["level"]?.stringValue != nil)
        }
    }

    @Test func autoFormatIsTextOnATerminalAndJSONOtherwise() {
        #expect(FCBLogging.resolve(.auto, isTerminal: true) == .text)
        #expect(FCBLogging.resolve(.auto, isTerminal: false) == .json)
        #expect(FCBLogging.resolve(.json, isTerminal: true) == .json)
        #expect(FCBLogging.resolve(.text, isTerminal: false) == .text)
        #expect(FCBLogging.makeHandler(label: "x", format: .auto, level: .debug, isTerminal: false) is JSONLogHandler)
        #expect(FCBLogging.makeHandler(label: "x", format: .auto, level: .debug, isTerminal: true) is StreamLogHandler)
        #expect(FCBLogging.makeHandler(label: "x", format: .json, level: .error, isTerminal: true).logLevel == .error)
        #expect(FCBLogging.makeHandler(label: "x", format: .text, level: .notice, isTerminal: false).logLevel == .notice)
    }
}
