import Foundation
import Synchronization
import Testing

@testable import FCBStore
@testable import FCBSupport
@testable import FlowEngine

/// A journal that remembers what it was told, as the pipeline's does on the inbox item: a second
/// run with the same journal plays the run resumed after a crash (docs/serve.md#units-of-work).
final class MemoryJournal: SendJournal {
    struct State {
        var calls: [String] = []
        var priorCall: String?
        var deferrals: [SendDeferral] = []
        var notAccepted: [String] = []
    }
    let state = Mutex(State())

    func prepareSend(nodeId: String, rowId: String) async throws(StoreError) -> PriorSend { .fresh }

    func prepareCall(nodeId: String) async throws(StoreError) -> PriorCall {
        state.withLock { s in
            defer { s.priorCall = nil }
            if s.priorCall == nodeId { return .interrupted }
            s.calls.append(nodeId)
            return .fresh
        }
    }

    func sendNotAccepted(nodeId: String, rowId: String, error: String) async -> SendDeferral {
        state.withLock { s in
            s.notAccepted.append(nodeId)
            return s.deferrals.isEmpty ? .giveUp(reason: nil) : s.deferrals.removeFirst()
        }
    }
}

@Suite("Executor: the journal of calls and refused sends")
struct JournalTests {
    static let flow = flowJSON(
        [
            node("t", "trigger", #"{"keyword":"hola"}"#),
            node("a", "api", #"{"url":"https://api.example.com/orders","method":"POST","body":"x","assignTo":"order"}"#),
            node("g", "api", #"{"url":"https://api.example.com/status","assignTo":"status"}"#),
            node("m", "message", #"{"text":"listo"}"#),
        ],
        [edge("e1", "t", "a"), edge("e2", "a", "g"), edge("e3", "g", "m")])

    func harness(journal: MemoryJournal, sender: RecordingSender = RecordingSender()) -> (Harness, FlowExecutor, FakeAPIClient) {
        let api = FakeAPIClient { _ throws(APIClientError) in APIResponse(status: 200, body: ["ok": true]) }
        let h = Harness(Self.flow, sender: sender, api: api)
        var environment = h.executor.environment
        environment.journal = journal
        return (h, FlowExecutor(environment: environment), api)
    }

    @Test func aPOSTInterruptedByACrashIsNotMadeAgainWhileGETsAre() async throws {
        let journal = MemoryJournal()
        let (h, executor, api) = harness(journal: journal)
        // The earlier attempt was making the POST at node a when the process stopped.
        journal.state.withLock { $0.priorCall = "a" }
        let session = try await h.session(node: "a")
        let outcome = try await executor.continueRun(session: session, flow: h.flow, contact: h.contact).get()
        #expect(api.recorded.map(\.method) == ["GET"])
        #expect(outcome.events.contains(.apiCall(method: "POST", url: "https://api.example.com/orders", status: nil, error: FlowRun.interruptedCallText)))
        #expect(outcome.session.context?["order"] == ["error": "API call failed"])
        #expect(outcome.session.context?["status"] == ["ok": true])
        #expect(h.sender.sent == [.text(body: "listo")])
        // Only calls not safe to repeat are journalled.
        #expect(journal.state.withLock { $0.calls } == [])
    }

    @Test func aFreshPOSTIsRecordedBeforeItIsMade() async throws {
        let journal = MemoryJournal()
        let (h, executor, api) = harness(journal: journal)
        _ = try await executor.run(session: try await h.session(), flow: h.flow, contact: h.contact, inbound: .text("hola"))
        #expect(journal.state.withLock { $0.calls } == ["a"])
        #expect(api.recorded.map(\.method) == ["POST", "GET"])
    }

    @Test func aSendMetaRefusesStopsTheRunWithoutAFailedRowWhenTheJournalDefersIt() async throws {
        let journal = MemoryJournal()
        let until = Date(timeIntervalSince1970: 1_764_338_600)
        journal.state.withLock { $0.deferrals = [.retry(at: until)] }
        let sender = RecordingSender(results: [.notAccepted(error: "(#130429) Rate limit hit", status: 400)])
        let (h, executor, _) = harness(journal: journal, sender: sender)
        let session = try await h.session(node: "m")
        let result = await executor.continueRun(session: session, flow: h.flow, contact: h.contact)
        guard case .failure(let failure) = result else {
            Issue.record("expected the run to stop, got \(result)")
            return
        }
        #expect(failure.error == .sendDeferred(until: until, reason: "(#130429) Rate limit hit"))
        #expect(await h.messages().isEmpty)
        #expect(await h.storedSession()?.status == "Active")
        #expect(await h.storedSession()?.currentNodeId == "m")
    }

    @Test func withoutADeferralARefusedSendIsRecordedFailed() async throws {
        let sender = RecordingSender(results: [.notAccepted(error: "upstream unavailable", status: 503)])
        let h = Harness(Self.flow, sender: sender)
        let session = try await h.session(node: "m")
        _ = await h.executor.continueRun(session: session, flow: h.flow, contact: h.contact)
        #expect(await h.messages().map(\.status) == ["Failed"])
        #expect(await h.messages().map(\.error) == ["upstream unavailable"])
    }
}
