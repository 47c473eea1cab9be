import FCBPipeline
import FCBSupport
import Foundation
import Logging
import Synchronization

/// Records every request and answers with a fixed response.
final class RecordingResponder: WebhookResponder {
    private let recorded = Mutex<[WebhookRequest]>([])
    let answer: WebhookResponse

    init(
        answer: WebhookResponse = WebhookResponse(
            status: 200, headers: ["Content-Type": "application/json", "X-Answer": "yes"], body: Array(#"{"success":true}"#.utf8))
    ) {
        self.answer = answer
    }

    var requests: [WebhookRequest] { recorded.withLock { $0 } }

    func respond(to request: WebhookRequest) async -> WebhookResponse {
        recorded.withLock { $0.append(request) }
        return answer
    }
}

struct FixedReadiness: ReadinessCheck {
    let reason: String?
    func notReadyReason() async -> String? { reason }
}

struct HangingReadiness: ReadinessCheck {
    func notReadyReason() async -> String? {
        try? await Task.sleep(for: .seconds(30))
        return nil
    }
}

/// Keeps every log entry (level, message, merged metadata) for assertions.
final class LogCapture: Sendable {
    struct Entry: Sendable {
        let level: Logger.Level
        let message: String
        let metadata: Logger.Metadata
    }

    private let entries = Mutex<[Entry]>([])
    var all: [Entry] { entries.withLock { $0 } }

    func append(_ entry: Entry) { entries.withLock { $0.append(entry) } }

    func logger(label: String = "test", level: Logger.Level = .info) -> Logger {
        var logger = Logger(label: label) { _ in CapturingHandler(capture: self) }
        logger.logLevel = level
        return logger
    }

    private struct CapturingHandler: LogHandler {
        let capture: LogCapture
        var logLevel: Logger.Level = .info
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            capture.append(Entry(level: event.level, message: event.message.description, metadata: metadata.merging(event.metadata ?? [:]) { $1 }))
        }
    }
}

/// Runs `body` but fails the test instead of hanging past `seconds`.
func bounded<T: Sendable>(_ seconds: Int = 20, _ what: String = "operation", _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withDeadline(.seconds(seconds), onTimeout: { TimedOut(what: what, seconds: seconds) }, body)
}

struct TimedOut: Error, CustomStringConvertible {
    let what: String
    let seconds: Int
    var description: String { "\(what) did not finish within \(seconds) s" }
}

/// Bytes that are not UTF-8, for bodies that must arrive untouched.
let nonUTF8Body: [UInt8] = [0x7B, 0xFF, 0xFE, 0x00, 0x80, 0xC3, 0x28, 0x22, 0xE2, 0x82, 0x7D, 0x0D, 0x0A]
