import Synchronization

/// One operation running in a task of its own until ``stop()``: for tests and benchmarks that
/// use a database pool outside any service group or scope. Product code runs such work as a
/// `Service` or inside a task group instead (docs/architecture.md).
package final class DetachedRun: Sendable {
    private let task = Mutex<Task<Void, Never>?>(nil)

    package init() {}

    /// Starts `operation` unless it already runs.
    package func start(_ operation: @escaping @Sendable () async -> Void) {
        task.withLock { task in
            if task == nil { task = Task { await operation() } }
        }
    }

    /// Cancels the operation and waits for it to end; nothing when it never started.
    package func stop() async {
        guard
            let running = task.withLock({ task in
                defer { task = nil }
                return task
            })
        else { return }
        running.cancel()
        await running.value
    }
}
