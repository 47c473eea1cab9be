import Foundation
import Synchronization
import Testing

@testable import FCBStore
@testable import FlowEngine

/// Records every session write the executor makes, and what the stored session looked like
/// when each message was sent.
final class WriteRecordingStore: ExecutorStore {
    let base: InMemoryStore
    private let writes = Mutex<[SessionPatch]>([])
    init(_ base: InMemoryStore) { self.base = base }
    var patches: [SessionPatch] { writes.withLock { $0 } }

    func updateSession(id: String, _ patch: SessionPatch, at: Date) async throws(StoreError) {
        writes.withLock { $0.append(patch) }
        try await base.updateSession(id: id, patch, at: at)
    }

    func insertMessage(_ message: MessageRecord) async throws(StoreError) { try await base.insertMessage(message) }
}

/// A sender that notes the stored session (node, context) at each send.
final class SessionPeekingSender: FlowSender {
    let store: InMemoryStore
    private let seen = Mutex<[(node: String?, context: JSONValue?)]>([])
    init(_ store: InMemoryStore) { self.store = store }
    var atSends: [(node: String?, context: JSONValue?)] { seen.withLock { $0 } }

    func send(userId: String, to phone: String, message: OutboundMessage) async -> SendResult {
        let session = await store.session(id: "session1")
        let count = seen.withLock { s in
            s.append((session?.currentNodeId, session?.context))
            return s.count
        }
        return .success(messageId: "wamid.\(count)")
    }
}

@Suite("executor: session writes between effects")
struct SessionWriteTests {
    static let fiveNodes = flowJSON(
        [
            node("t", "trigger", #"{"keyword":"default"}"#), node("hola", "message", #"{"text":"Hola"}"#),
            node("guardar", "assign", #"{"key":"ultimo","value":"{{lastUserMessageTrimmed}}"}"#),
            node("check", "condition", #"{"expression":"context.ultimo.length > 0"}"#), node("eco", "message", #"{"text":"eco: {{ultimo}}"}"#),
        ],
        [
            edge("e1", "t", "hola"), edge("e2", "hola", "guardar"), edge("e3", "guardar", "check"),
            edge("e4", "check", "eco", handle: "true"), edge("e5", "check", "eco", handle: "false"),
        ])

    func run(_ definition: String, _ text: String) async throws -> (WriteRecordingStore, SessionPeekingSender, FlowRunOutcome, Harness) {
        let h = Harness(definition)
        let store = WriteRecordingStore(h.store)
        let sender = SessionPeekingSender(h.store)
        let session = try await h.session()
        let executor = FlowExecutor(environment: ExecutionEnvironment(clock: h.clock, ids: h.ids, sender: sender, api: h.api, store: store, options: h.options))
        let outcome = try await executor.run(session: session, flow: h.flow, contact: h.contact, inbound: .text(text))
        return (store, sender, outcome, h)
    }

    @Test func aRunWritesBeforeEachSendAndAtTheEndOnly() async throws {
        let (store, sender, outcome, h) = try await run(Self.fiveNodes, "pedido 42")
        #expect(outcome.result == .completed)
        #expect(outcome.steps == 5)
        // Trigger, assign and condition are pure: 3 writes instead of one before and one after each node.
        #expect(store.patches.map(\.currentNodeId) == [.some("hola"), .some("eco"), .some(nil)])
        #expect(store.patches.map(\.status) == [nil, nil, .completed])
        #expect(store.patches.allSatisfy { $0.context != nil })
        // Each send found the session already at its own node, with the context as it was then.
        #expect(sender.atSends.map(\.node) == ["hola", "eco"])
        #expect(sender.atSends[0].context?["ultimo"] == nil)
        #expect(sender.atSends[1].context?["ultimo"] == .string("pedido 42"))
        let stored = await h.storedSession()
        #expect(stored?.status == "Completed")
        #expect(stored?.currentNodeId == nil)
        #expect(stored?.context?["ultimo"] == .string("pedido 42"))
        #expect(stored?.context?["triggerMessage"] == .string("pedido 42"))
    }

    @Test func pureNodesAloneWriteOnceAtTheEnd() async throws {
        let flow = flowJSON(
            [node("t", "trigger", #"{"keyword":"default"}"#), node("a", "assign", #"{"key":"x","value":"1"}"#)], [edge("e1", "t", "a")])
        let (store, sender, outcome, _) = try await run(flow, "hola")
        #expect(outcome.result == .completed)
        #expect(sender.atSends.isEmpty)
        #expect(store.patches.count == 1)
        #expect(store.patches.first?.status == .completed)
        #expect(store.patches.first?.context?["x"] == .string("1"))
    }

    @Test func aFailingStopStillWritesWhatWasHeldBack() async throws {
        let flow = flowJSON(
            [node("t", "trigger", #"{"keyword":"default"}"#), node("a", "assign", #"{"key":"x","value":"1"}"#)],
            [edge("e1", "t", "a"), edge("e2", "a", "missing")])
        let (store, _, outcome, h) = try await run(flow, "hola")
        #expect(outcome.result == .errored(reason: "Next node missing not found"))
        #expect(store.patches.count == 1)
        let stored = await h.storedSession()
        #expect(stored?.status == "Errored")
        #expect(stored?.currentNodeId == "a")
        #expect(stored?.context?["x"] == .string("1"))
    }
}
