import FCBSupport
import FlowEngine
import Foundation
import Synchronization
import WhatsAppCloud

/// What the simulator's injected sender, API client and clock saw during the current turn, in
/// order. Used for `--show-payloads` and to show what happened before a run that throws (a
/// thrown ``FlowRunError`` carries no events).
final class TurnLog: Sendable {
    enum Entry: Sendable, Equatable {
        case sent(OutboundMessage, messageId: String, payload: JSONValue)
        case refused(OutboundMessage, error: String)
        case apiCall(method: String, url: String, status: Int?, error: String?)
        case delayed(milliseconds: Int)
    }

    private let entries = Mutex<[Entry]>([])

    func append(_ entry: Entry) { entries.withLock { $0.append(entry) } }

    /// Returns the turn's entries and starts a new turn.
    func drain() -> [Entry] {
        entries.withLock { current in
            defer { current = [] }
            return current
        }
    }
}

/// The simulator's ``FlowSender``: renders each message with ``CloudAPIRenderer`` exactly as
/// `serve` would POST it and answers `wamid.SIM000001`, `wamid.SIM000002`, … (with `messageIds`,
/// `wamid.SIM.<id>`: unique across runs on one `--db` file). A message the renderer refuses (Meta
/// would reject it) fails like a Graph API 400.
final class SimulatorSender: FlowSender {
    private let counter = Mutex(0)
    private let log: TurnLog
    private let messageIds: (any IDGenerator)?

    init(log: TurnLog, messageIds: (any IDGenerator)? = nil) {
        self.log = log
        self.messageIds = messageIds
    }

    func send(userId: String, to phone: String, message: OutboundMessage) async -> SendResult {
        let to = PhoneNumber.normalize(phone) ?? phone
        do {
            let payload = try CloudAPIRenderer.body(for: message, to: to)
            let messageId = nextMessageId()
            log.append(.sent(message, messageId: messageId, payload: payload))
            return .success(messageId: messageId)
        } catch {
            log.append(.refused(message, error: error.message))
            return .failure(error: error.message, status: error.status)
        }
    }

    private func nextMessageId() -> String {
        if let messageIds { return "wamid.SIM." + messageIds.next() }
        let n = counter.withLock { value -> Int in
            value += 1
            return value
        }
        let digits = String(n)
        return "wamid.SIM" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }
}

/// Passes calls to the configured client (live or mock) and logs them for the turn.
struct LoggingAPIClient: APIClient {
    let base: any APIClient
    let log: TurnLog

    func perform(_ request: APIRequest) async throws(APIClientError) -> APIResponse {
        do {
            let response = try await base.perform(request)
            log.append(.apiCall(method: request.method, url: request.url, status: response.status, error: nil))
            return response
        } catch {
            log.append(.apiCall(method: request.method, url: request.url, status: nil, error: Self.describe(error)))
            throw error
        }
    }
}

extension LoggingAPIClient {
    /// A readable reason for a failed call.
    static func describe(_ error: APIClientError) -> String {
        switch error {
        case .invalidURL(let url): "invalid URL \(url)"
        case .refusedAddress(let reason): "refused: \(reason) (--allow-private-api-targets allows it)"
        case .timeout: "timed out"
        case .responseTooLarge(let limit): "response larger than \(limit) bytes"
        case .network(let message): message
        }
    }
}

/// Passes time to the configured clock (virtual or system) and logs delays for the turn.
struct LoggingClock: FlowClock {
    let base: any FlowClock
    let log: TurnLog

    func now() -> Date { base.now() }

    func sleep(milliseconds: Int) async throws {
        log.append(.delayed(milliseconds: milliseconds))
        try await base.sleep(milliseconds: milliseconds)
    }
}
