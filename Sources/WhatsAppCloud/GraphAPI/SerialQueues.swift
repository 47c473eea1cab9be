/// Runs work for one key at a time, in the order callers arrived: the sender uses it so that
/// the messages to one contact go out strictly one after the other, each after the previous
/// one's answer. Different keys run in parallel.
package actor SerialQueues {
    /// Present while a key is busy; the continuations of the callers waiting behind it.
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    package init() {}

    package func run<T: Sendable>(_ key: String, _ work: @Sendable () async -> T) async -> T {
        await acquire(key)
        let result = await work()
        release(key)
        return result
    }

    /// Callers waiting behind the running one (for tests and metrics).
    package func queued(_ key: String) -> Int { waiting[key]?.count ?? 0 }

    /// Whether work for `key` is running.
    package func isBusy(_ key: String) -> Bool { waiting[key] != nil }

    private func acquire(_ key: String) async {
        if waiting[key] == nil {
            waiting[key] = []
            return
        }
        await withCheckedContinuation { continuation in
            waiting[key, default: []].append(continuation)
        }
    }

    private func release(_ key: String) {
        guard var queue = waiting[key] else { return }
        if queue.isEmpty {
            waiting[key] = nil
            return
        }
        let next = queue.removeFirst()
        waiting[key] = queue
        next.resume()
    }
}
