import Synchronization

/// A FIFO mutual-exclusion lock for async code: holders may suspend while holding it (a
/// `Mutex` must not be held across `await`). Waiters resume in arrival order. A waiter that is
/// cancelled still takes its turn, so cancellation never lets two holders in at once.
package final class AsyncLock: Sendable {
    private struct State {
        var locked = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        var head = 0
    }

    private let state = Mutex(State())

    package init() {}

    package func withLock<T: Sendable, E: Error>(_ body: () async throws(E) -> T) async throws(E) -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { s -> Bool in
                if s.locked {
                    s.waiters.append(continuation)
                    return false
                }
                s.locked = true
                return true
            }
            if resumeNow { continuation.resume() }
        }
    }

    private func release() {
        let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard s.head < s.waiters.count else {
                s.locked = false
                s.waiters.removeAll(keepingCapacity: true)
                s.head = 0
                return nil
            }
            let continuation = s.waiters[s.head]
            s.head += 1
            return continuation  // ownership passes straight to the next waiter
        }
        next?.resume()
    }
}
