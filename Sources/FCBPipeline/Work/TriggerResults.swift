import FCBStore
import FlowEngine
import Foundation
import Synchronization

/// A finished manual trigger's HTTP answer, kept on its inbox item (`progress.result`).
struct TriggerResult: Sendable, Equatable {
    var status: Int
    var body: JSONValue

    /// The body is kept as its serialised text: JSONB would reorder the keys of an object.
    var json: JSONValue { ["status": .number(Double(status)), "body": .string(body.serialized())] }

    init(status: Int, body: JSONValue) {
        self.status = status
        self.body = body
    }

    init?(progress: JSONValue?) {
        guard let result = progress?["result"], let status = result["status"]?.numberValue, let text = result["body"]?.stringValue,
            let body = try? JSONValue(parsing: Array(text.utf8))
        else { return nil }
        self.status = Int(status)
        self.body = body
    }
}

/// Hands a trigger's result from the worker to the waiting HTTP request: directly when both are
/// in this process, through the item's stored progress when another instance ran it.
package final class TriggerResults: Sendable {
    private struct State {
        var waiters: [Int64: CheckedContinuation<TriggerResult?, Never>] = [:]
        var early: [Int64: TriggerResult] = [:]
        /// Requests that stopped waiting (answered 202): their results are not kept.
        var abandoned: Set<Int64> = []
    }

    private let state = Mutex(State())

    package init() {}

    func deliver(_ result: TriggerResult, for id: Int64) {
        let waiter = state.withLock { s -> CheckedContinuation<TriggerResult?, Never>? in
            if let waiter = s.waiters.removeValue(forKey: id) { return waiter }
            if s.abandoned.remove(id) == nil { s.early[id] = result }
            return nil
        }
        waiter?.resume(returning: result)
    }

    /// The result of item `id`, or nil after `timeout`.
    func wait(for id: Int64, store: any InboxStore, timeout: Duration) async -> TriggerResult? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let slice = min(Duration.milliseconds(500), deadline - ContinuousClock.now)
            if let result = await waitLocally(for: id, upTo: slice) { return result }
            // Maybe another instance ran it.
            if let item = try? await store.inboxItem(id: id), let result = TriggerResult(progress: item.progress) { return result }
        }
        state.withLock { s in
            if s.early.removeValue(forKey: id) == nil { s.abandoned.insert(id) }
        }
        return nil
    }

    /// Registers the waiter before anything can time it out, so no result is missed and no
    /// waiter is left behind; a timer releases it with nil after `slice`.
    private func waitLocally(for id: Int64, upTo slice: Duration) async -> TriggerResult? {
        await withCheckedContinuation { (continuation: CheckedContinuation<TriggerResult?, Never>) in
            let early = state.withLock { s -> TriggerResult? in
                if let result = s.early.removeValue(forKey: id) { return result }
                s.waiters[id] = continuation
                return nil
            }
            if let early {
                continuation.resume(returning: early)
                return
            }
            Task {
                try? await Task.sleep(for: slice)
                let waiter = self.state.withLock { $0.waiters.removeValue(forKey: id) }
                waiter?.resume(returning: nil)
            }
        }
    }
}
