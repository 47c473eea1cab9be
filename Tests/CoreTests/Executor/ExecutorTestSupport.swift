import Foundation
import Synchronization

@testable import FCBStore
@testable import FCBSupport
@testable import FlowEngine

/// A sender that records every message and answers with scripted results.
final class RecordingSender: FlowSender {
    private let state = Mutex<(sent: [OutboundMessage], results: [SendResult], counter: Int)>(([], [], 0))

    init(results: [SendResult] = []) {
        state.withLock { $0.results = results }
    }

    var sent: [OutboundMessage] { state.withLock { $0.sent } }

    func send(userId: String, to phone: String, message: OutboundMessage) async -> SendResult {
        state.withLock { s in
            s.sent.append(message)
            s.counter += 1
            if !s.results.isEmpty { return s.results.removeFirst() }
            return .success(messageId: "wamid.\(s.counter)")
        }
    }
}

/// An API client answering from a closure, recording requests.
final class FakeAPIClient: APIClient {
    private let requests = Mutex<[APIRequest]>([])
    let answer: @Sendable (APIRequest) throws(APIClientError) -> APIResponse

    init(_ answer: @escaping @Sendable (APIRequest) throws(APIClientError) -> APIResponse) {
        self.answer = answer
    }

    var recorded: [APIRequest] { requests.withLock { $0 } }

    func perform(_ request: APIRequest) async throws(APIClientError) -> APIResponse {
        requests.withLock { $0.append(request) }
        return try answer(request)
    }
}

/// One flow, one contact, one session, everything deterministic.
struct Harness {
    let store = InMemoryStore()
    let clock = VirtualClock(start: Date(timeIntervalSince1970: 1_764_338_587.123))  // 2025-11-28T14:03:07.123Z
    let ids = SequentialIDGenerator()
    let sender: RecordingSender
    let api: FakeAPIClient
    let flow: FlowRecord
    let contact: ContactRecord
    var options = ExecutorOptions()

    init(
        _ definition: String, sender: RecordingSender = RecordingSender(),
        api: FakeAPIClient = FakeAPIClient { _ throws(APIClientError) in throw .network("no API in this test") },
        metaFlowId: String? = nil, metaFlowToken: String? = nil
    ) {
        self.sender = sender
        self.api = api
        let created = Date(timeIntervalSince1970: 1_764_300_000)
        let definitionValue = (try? JSONValue(parsing: definition)) ?? .string(definition)
        flow = FlowRecord(
            id: "flow1", name: "Test flow", definition: definitionValue, createdAt: created, updatedAt: created,
            metaFlowId: metaFlowId, metaFlowToken: metaFlowToken, userId: "user1")
        contact = ContactRecord(id: "contact1", phone: "5491100000000", createdAt: created, updatedAt: created, userId: "user1")
    }

    var executor: FlowExecutor {
        FlowExecutor(environment: ExecutionEnvironment(clock: clock, ids: ids, sender: sender, api: api, store: store, options: options))
    }

    /// Creates the session row (Active, no node, the given context) once.
    func session(status: String = "Active", node: String? = nil, context: JSONValue? = nil) async throws -> SessionRecord {
        if let existing = await store.session(id: "session1") { return existing }
        let record = SessionRecord(
            id: "session1", status: status, currentNodeId: node, context: context, createdAt: clock.now(), updatedAt: clock.now(),
            contactId: contact.id, flowId: flow.id)
        try await store.createSession(record)
        return record
    }

    /// Runs one inbound text against the stored session.
    @discardableResult
    func send(_ text: String?, interactive: InboundMessage.Interactive? = nil) async throws -> FlowRunOutcome {
        let current = try await session()
        return try await executor.run(session: current, flow: flow, contact: contact, inbound: InboundMessage(text: text, interactive: interactive))
    }

    /// Runs and returns the thrown error, if any.
    func sendExpectingError(_ text: String?) async throws -> FlowRunError? {
        let current = try await session()
        do {
            _ = try await executor.run(session: current, flow: flow, contact: contact, inbound: .text(text ?? ""))
            return nil
        } catch {
            return error
        }
    }

    func storedSession() async -> SessionRecord? { await store.session(id: "session1") }
    func context() async -> JSONValue { await store.session(id: "session1")?.context ?? .null }
    func messages() async -> [MessageRecord] { await store.allMessages() }
}

/// Flow JSON from compact node and edge descriptions.
func flowJSON(_ nodes: [String], _ edges: [String] = []) -> String {
    #"{"nodes":[\#(nodes.joined(separator: ","))],"edges":[\#(edges.joined(separator: ","))]}"#
}
