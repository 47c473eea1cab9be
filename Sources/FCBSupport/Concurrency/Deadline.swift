import Synchronization

/// Runs `operation` but gives up after `timeout`, without waiting for it to notice: a task
/// group would wait for a child that ignores cancellation (a pool lease on a dead server),
/// which is exactly the case a deadline exists for. The abandoned work is cancelled and left to
/// finish on its own. The deadline is kept by the process's one ``DeadlineWatchdog``.
package func withDeadline<T: Sendable>(
    _ timeout: Duration, watchdog: DeadlineWatchdog = .shared, onTimeout: @escaping @Sendable () -> any Error,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let race = DeadlineRace<T>()
    return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        race.start(continuation)
        let token = watchdog.register(deadline: .now + timeout) { race.finish(.failure(onTimeout())) }
        let work = Task {
            let result: Result<T, any Error>
            do { result = .success(try await operation()) } catch { result = .failure(error) }
            watchdog.unregister(token)
            race.finish(result)
        }
        race.onTimeout { work.cancel() }
    }
}

private final class DeadlineRace<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var finished = false
        var cancelWork: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<T, any Error>) {
        state.withLock { $0.continuation = continuation }
    }

    func onTimeout(_ cancel: @escaping @Sendable () -> Void) {
        let finishedAlready = state.withLock { s -> Bool in
            if !s.finished { s.cancelWork = cancel }
            return s.finished
        }
        if finishedAlready { cancel() }
    }

    func finish(_ result: Result<T, any Error>) {
        let (continuation, cancel) = state.withLock { s -> (CheckedContinuation<T, any Error>?, (@Sendable () -> Void)?) in
            guard !s.finished else { return (nil, nil) }
            s.finished = true
            defer {
                s.continuation = nil
                s.cancelWork = nil
            }
            return (s.continuation, s.cancelWork)
        }
        guard let continuation else { return }
        if case .failure = result { cancel?() }
        continuation.resume(with: result)
    }
}
