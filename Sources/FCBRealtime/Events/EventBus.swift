import Synchronization

/// In-process fan-out of realtime events to any number of subscribers. Publishing never waits:
/// a subscriber that falls behind by more than `bufferLimit` events loses the oldest ones
/// (the dashboard also polls, so a slow socket must not slow the pipeline).
package final class EventBus: RealtimeEventSink {
    private struct State {
        var subscribers: [Int: AsyncStream<RealtimeEvent>.Continuation] = [:]
        var nextId = 0
    }

    private let state = Mutex(State())
    package let bufferLimit: Int

    package init(bufferLimit: Int = 10_000) {
        self.bufferLimit = bufferLimit
    }

    package func publish(_ event: RealtimeEvent) {
        let targets = state.withLock { Array($0.subscribers.values) }
        for continuation in targets { continuation.yield(event) }
    }

    /// Events published from now on, until the stream's consumer stops iterating.
    package func subscribe() -> AsyncStream<RealtimeEvent> {
        let (stream, continuation) = AsyncStream<RealtimeEvent>.makeStream(bufferingPolicy: .bufferingNewest(bufferLimit))
        let id = state.withLock { s -> Int in
            s.nextId += 1
            s.subscribers[s.nextId] = continuation
            return s.nextId
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    package var subscriberCount: Int { state.withLock { $0.subscribers.count } }
}
