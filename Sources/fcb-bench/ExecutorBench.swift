import FCBStore
import FCBSupport
import FlowEngine
import Foundation

/// A sender that accepts everything instantly.
struct NullSender: FlowSender {
    func send(userId: String, to phone: String, message: OutboundMessage) async -> SendResult { .success(messageId: nil) }
}

/// A store that drops writes: the executor's own cost, without the in-memory store's actor hops.
struct NullStore: ExecutorStore {
    func updateSession(id: String, _ patch: SessionPatch, at: Date) async throws(StoreError) {}
    func insertMessage(_ message: MessageRecord) async throws(StoreError) {}
}

/// A flow whose single run visits `length` nodes: assign, condition, message, delay(0) … then end.
func executorFlow(length: Int) -> JSONValue {
    var nodes: [JSONValue] = [["id": "t", "type": "trigger", "data": ["keyword": "go"]]]
    var edges: [JSONValue] = []
    var previous = "t"
    for i in 0..<length {
        let id = "n\(i)"
        let data: JSONValue
        let type: String
        switch i % 4 {
        case 0: (type, data) = ("assign", ["key": "pedido.paso", "value": .string("{{input}}-\(i)")])
        case 1: (type, data) = ("condition", ["expression": "context.pedido.paso.length > 2 && Number(context.messageCount) >= 1"])
        case 2: (type, data) = ("message", ["text": "Paso {{pedido.paso}} de {{lastInput}}"])
        default: (type, data) = ("delay", ["seconds": 0])
        }
        nodes.append(["id": .string(id), "type": .string(type), "data": data])
        let handle: JSONValue = i % 4 == 2 ? "true" : .null  // the node before was a condition
        edges.append(["id": .string("e\(i)"), "source": .string(previous), "target": .string(id), "sourceHandle": handle])
        previous = id
    }
    nodes.append(["id": "end", "type": "end", "data": [:]])
    edges.append(["id": "e-end", "source": .string(previous), "target": "end", "sourceHandle": length % 4 == 2 ? "true" : .null])
    return ["nodes": .array(nodes), "edges": .array(edges)]
}

func benchmarkExecutor(runs: Int) async -> [String] {
    let length = 400  // under the 500-step guard
    let created = Date(timeIntervalSince1970: 1_764_300_000)
    let flow = FlowRecord(id: "f", name: "bench", definition: executorFlow(length: length), createdAt: created, updatedAt: created, userId: "u")
    let contact = ContactRecord(id: "c", phone: "5491100000000", createdAt: created, updatedAt: created, userId: "u")
    var lines: [String] = []
    for (label, storeFactory) in [("null store", { NullStore() as any ExecutorStore }), ("in-memory store", { InMemoryStore() as any ExecutorStore })] {
        var totalSteps = 0
        var totalSeconds = 0.0
        var best = Double.infinity
        // One long-lived executor, as in `fcb serve`: parsed flows and expressions are reused.
        let store = storeFactory()
        let environment = ExecutionEnvironment(
            clock: VirtualClock(), ids: SequentialIDGenerator(), sender: NullSender(), api: RefusingAPIClient(), store: store)
        let executor = FlowExecutor(environment: environment)
        for run in 0...runs {
            let session = SessionRecord(id: "s\(run)", createdAt: created, updatedAt: created, contactId: "c\(run)", flowId: "f")
            if let memory = store as? InMemoryStore { try? await memory.createSession(session) }
            let start = DispatchTime.now().uptimeNanoseconds
            let outcome = try? await executor.run(session: session, flow: flow, contact: contact, inbound: .text("go"))
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if run == 0 { continue }  // warm-up
            totalSteps += outcome?.steps ?? 0
            totalSeconds += seconds
            best = min(best, seconds / Double(max(outcome?.steps ?? 1, 1)))
        }
        let rate = Double(totalSteps) / totalSeconds
        lines.append(
            "executor, \(label)".padding(toLength: 44, withPad: " ", startingAt: 0)
                + String(format: "%9.0f steps/s (best %.0f)  limit ≥ 200,000/s   %.2f× of limit", rate, 1 / best, rate / 200_000))
        appendSummary([("executor, \(label)", String(format: "%.0f steps/s", rate), "≥ 200,000/s", String(format: "%.2f× of limit", rate / 200_000))])
    }
    return lines
}
