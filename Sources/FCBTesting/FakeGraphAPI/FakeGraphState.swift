import FlowEngine
import Foundation
import NIOCore
import Synchronization
import WhatsAppCloud

/// Everything the fake remembers, behind one lock: the event loops record and answer, test
/// code reads and scripts, from any thread.
final class FakeGraphState: Sendable {
    /// How the handler must answer one request.
    enum Plan: Sendable {
        case respond(delayMilliseconds: Int, status: Int, body: [UInt8], contentType: String)
        case drop(delayMilliseconds: Int)
        case hold
    }

    private struct Inner {
        var requests: [FakeGraphRequest] = []
        var rules: [FakeGraphRule] = []
        var sequence = 0
        var messageCounter = 0
        var traceCounter = 0
        /// Unanswered requests: sequence → (phone number id, recipient digits).
        var inFlight: [Int: (String?, String?)] = [:]
        var held: [Int: @Sendable () -> Void] = [:]
        var channels: [ObjectIdentifier: any Channel] = [:]
    }

    private let inner = Mutex(Inner())
    /// Told about every request once it is answered (or dropped).
    private let observer: (@Sendable (FakeGraphRequest) -> Void)?

    init(observer: (@Sendable (FakeGraphRequest) -> Void)? = nil) {
        self.observer = observer
    }

    // MARK: - Requests

    func receive(method: String, uri: String, headers: [FakeGraphRequest.Header], body: [UInt8]) -> (sequence: Int, plan: Plan) {
        let (path, query) = Self.split(uri)
        return inner.withLock { state in
            state.sequence += 1
            let sequence = state.sequence
            let graph = FakeGraphRequest.parseGraphPath(path)
            let recipient =
                graph?.edge == "messages"
                ? (try? JSONValue(parsing: body))?["to"]?.stringValue.flatMap(PhoneNumber.normalize) : nil
            let sameRecipient = recipient == nil ? 0 : state.inFlight.values.filter { $0.0 == graph?.phoneNumberId && $0.1 == recipient }.count
            let request = FakeGraphRequest(
                sequence: sequence, method: method, path: path, query: query, headers: headers, body: body, receivedAt: Date(), graph: graph,
                inFlightForRecipient: sameRecipient, inFlight: state.inFlight.count, responseStatus: nil)
            state.inFlight[sequence] = (graph?.phoneNumberId, recipient)
            state.requests.append(request)
            return (sequence, Self.plan(for: request, state: &state))
        }
    }

    func answered(_ sequence: Int, status: Int?) {
        let request = inner.withLock { state -> FakeGraphRequest? in
            state.inFlight[sequence] = nil
            state.held[sequence] = nil
            guard let index = state.requests.lastIndex(where: { $0.sequence == sequence }) else { return nil }
            state.requests[index].responseStatus = status
            return state.requests[index]
        }
        if let request { observer?(request) }
    }

    var requests: [FakeGraphRequest] { inner.withLock { $0.requests } }

    func clearRequests() {
        inner.withLock { $0.requests.removeAll() }
    }

    // MARK: - Rules and held requests

    func add(_ rules: [FakeGraphRule]) {
        inner.withLock { $0.rules.append(contentsOf: rules) }
    }

    func clearRules() {
        inner.withLock { $0.rules.removeAll() }
    }

    var activeRules: [FakeGraphRule] { inner.withLock { $0.rules } }

    func hold(_ sequence: Int, release: @escaping @Sendable () -> Void) {
        inner.withLock { $0.held[sequence] = release }
    }

    /// Answers every held request (with success); returns how many there were.
    func releaseHeld() -> Int {
        let releases = inner.withLock { state -> [@Sendable () -> Void] in
            let all = state.held.sorted { $0.key < $1.key }.map(\.value)
            state.held.removeAll()
            return all
        }
        for release in releases { release() }
        return releases.count
    }

    var heldCount: Int { inner.withLock { $0.held.count } }

    // MARK: - Connections

    func opened(_ channel: any Channel) {
        inner.withLock { $0.channels[ObjectIdentifier(channel)] = channel }
    }

    func closed(_ channel: any Channel) {
        _ = inner.withLock { $0.channels.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    var openChannels: [any Channel] { inner.withLock { Array($0.channels.values) } }

    // MARK: - Answers

    /// The success answer for a request (used when a held request is released).
    func successPlan(for request: FakeGraphRequest) -> Plan {
        inner.withLock { Self.successPlan(for: request, delay: 0, state: &$0) }
    }

    /// `GET /__fake/requests` lists what was recorded (JSON); `DELETE /__fake/requests` forgets
    /// it. `PUT /__fake/rules` replaces the failure rules with a script (the `--script` format),
    /// `DELETE /__fake/rules` clears them, `GET /__fake/rules` counts them — so a test can start
    /// and end a Graph outage while fcb runs. These control requests are not recorded
    /// themselves. nil for every other request.
    func controlAnswer(method: String, uri: String, body: [UInt8] = []) -> (status: Int, body: [UInt8])? {
        let path = Self.split(uri).0
        if path == "/__fake/rules" { return rulesAnswer(method: method, body: body) }
        guard path == "/__fake/requests" else { return nil }
        switch method {
        case "GET":
            let list = requests.map { request -> JSONValue in
                var object = JSONObject()
                object["sequence"] = .number(Double(request.sequence))
                object["method"] = .string(request.method)
                object["path"] = .string(request.path)
                object["query"] = request.query.map(JSONValue.string) ?? .null
                object["headers"] = .array(request.headers.map { .array([.string($0.name), .string($0.value)]) })
                object["body"] = .string(request.bodyText)
                object["status"] = request.responseStatus.map { .number(Double($0)) } ?? .null
                return .object(object)
            }
            return (200, Array(JSONValue.array(list).serialized().utf8))
        case "DELETE":
            clearRequests()
            return (200, Array(FakeGraphResponses.success.serialized().utf8))
        default:
            return (405, Array(#"{"error":"use GET or DELETE"}"#.utf8))
        }
    }

    private func rulesAnswer(method: String, body: [UInt8]) -> (status: Int, body: [UInt8]) {
        switch method {
        case "GET":
            return (200, Array(JSONValue.object(["rules": .number(Double(activeRules.count))]).serialized().utf8))
        case "PUT":
            do {
                let rules = try FakeGraphScript.rules(from: body)
                inner.withLock { $0.rules = rules }
                return (200, Array(JSONValue.object(["rules": .number(Double(rules.count))]).serialized().utf8))
            } catch {
                return (400, Array(JSONValue.object(["error": .string(error.description)]).serialized().utf8))
            }
        case "DELETE":
            clearRules()
            return (200, Array(FakeGraphResponses.success.serialized().utf8))
        default:
            return (405, Array(#"{"error":"use GET, PUT or DELETE"}"#.utf8))
        }
    }

    private static func plan(for request: FakeGraphRequest, state: inout Inner) -> Plan {
        var rule: FakeGraphRule?
        if let index = state.rules.firstIndex(where: { ($0.times ?? 1) > 0 && $0.matches(request) }) {
            rule = state.rules[index]
            if let times = state.rules[index].times { state.rules[index].times = times - 1 }
            if state.rules[index].times == 0 { state.rules.remove(at: index) }
        }
        let delay = rule?.delayMilliseconds ?? 0
        switch rule?.reply ?? .success {
        case .success:
            return successPlan(for: request, delay: delay, state: &state)
        case .graphError(let code, let httpStatus, let subcode, let message):
            state.traceCounter += 1
            let (status, body) = FakeGraphResponses.error(code: code, subcode: subcode, message: message, traceId: traceId(state.traceCounter))
            return .respond(delayMilliseconds: delay, status: httpStatus ?? status, body: Array(body.serialized().utf8), contentType: "application/json")
        case .status(let status, let body):
            return .respond(delayMilliseconds: delay, status: status, body: Array(body.utf8), contentType: "text/plain; charset=utf-8")
        case .drop:
            return .drop(delayMilliseconds: delay)
        case .hold:
            return .hold
        }
    }

    /// What Meta answers a well-formed request: the accepted message, `{"success":true}` for a
    /// registration, 401 without a bearer token, 400 (#100) for a body that is not a message.
    /// Paths that are not Graph paths get `{"success":true}` (the webhook sink).
    private static func successPlan(for request: FakeGraphRequest, delay: Int, state: inout Inner) -> Plan {
        func json(_ status: Int, _ body: JSONValue) -> Plan {
            .respond(delayMilliseconds: delay, status: status, body: Array(body.serialized().utf8), contentType: "application/json")
        }
        guard let graph = request.graph else { return json(200, FakeGraphResponses.success) }
        let token = request.header("authorization").flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil } ?? ""
        if token.trimmingCharacters(in: .whitespaces).isEmpty {
            state.traceCounter += 1
            let error = FakeGraphResponses.error(
                code: 190, subcode: nil, message: "Invalid OAuth access token - Cannot parse access token", traceId: traceId(state.traceCounter))
            return json(401, error.body)
        }
        switch graph.edge {
        case "messages":
            guard let to = request.recipient, request.json?["messaging_product"]?.stringValue == "whatsapp" else {
                state.traceCounter += 1
                return json(400, FakeGraphResponses.error(code: 100, subcode: nil, message: nil, traceId: traceId(state.traceCounter)).body)
            }
            state.messageCounter += 1
            return json(200, FakeGraphResponses.messageAccepted(input: to, messageId: messageId(state.messageCounter)))
        default:
            return json(200, FakeGraphResponses.success)
        }
    }

    /// `wamid.FAKE000001`, `wamid.FAKE000002`, …
    static func messageId(_ n: Int) -> String {
        let digits = String(n)
        return "wamid.FAKE" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    static func traceId(_ n: Int) -> String { "AfakeTrace\(n)" }

    private static func split(_ uri: String) -> (String, String?) {
        guard let mark = uri.firstIndex(of: "?") else { return (uri, nil) }
        return (String(uri[..<mark]), String(uri[uri.index(after: mark)...]))
    }
}
