import FCBPipeline
import FCBStore
import FlowEngine
import Foundation
import Logging
import Testing

@Suite("Worker pool lifecycle")
struct WorkerPoolLifecycleTests {
    /// When another service fails (e.g. the port is taken) the service group cancels the pool:
    /// it must end promptly, not spin on cancelled waits.
    @Test func cancellationEndsThePool() async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let pipeline = Pipeline(
            store: InMemoryStore(), settings: .init(workers: .init(workers: 2, instance: "cancel-test", pollInterval: .milliseconds(10))),
            sender: NullTestSender(), api: RefusingAPIClient(), logger: logger)
        let running = Task { try await pipeline.workers.run() }
        try await Task.sleep(for: .milliseconds(100))
        running.cancel()
        // A hang guard, not a timing claim: before the fix the pool never ended at all.
        let ended = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                _ = try? await running.value
                return true
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(60))
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        #expect(ended)
    }
}

struct NullTestSender: FlowSender {
    func send(userId: String, to phone: String, message: OutboundMessage) async -> SendResult { .success(messageId: "wamid.NULL") }
}
