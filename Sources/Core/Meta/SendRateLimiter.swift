import Foundation

/// A token bucket per key (the business phone number id), written as GCRA: each key keeps a
/// "theoretical arrival time" and a permit is granted once the bucket would hold a token.
/// Permits are reserved in arrival order before waiting, so concurrent callers queue fairly,
/// and waiting goes through the injected clock (a ``VirtualClock`` makes it instant and exact).
public actor SendRateLimiter {
    public nonisolated let limit: SendRateLimit
    private let clock: any FlowClock
    private var arrival: [String: Date] = [:]

    public init(limit: SendRateLimit, clock: any FlowClock) {
        self.limit = limit
        self.clock = clock
    }

    /// Returns when a message for `key` may be sent.
    public func acquire(_ key: String) async {
        let wait = reserve(key)
        if wait > 0 {
            try? await clock.sleep(milliseconds: wait)
        }
    }

    /// Books the next permit for `key`; the milliseconds to wait for it (rounded up).
    func reserve(_ key: String) -> Int {
        let now = clock.now()
        let interval = 1 / limit.messagesPerSecond
        let start = max(arrival[key] ?? now, now)
        let allowedAt = start.addingTimeInterval(-Double(limit.burst - 1) * interval)
        arrival[key] = start.addingTimeInterval(interval)
        if arrival.count > 10_000 { forgetIdle(now: now) }
        let wait = allowedAt.timeIntervalSince(now)
        return wait > 0 ? Int((wait * 1000).rounded(.up)) : 0
    }

    /// Keys whose bucket is full again carry no state worth keeping.
    private func forgetIdle(now: Date) {
        arrival = arrival.filter { $0.value > now }
    }
}

/// Runs work for one key at a time, in the order callers arrived: the sender uses it so that
/// the messages to one contact go out strictly one after the other, each after the previous
/// one's answer. Different keys run in parallel.
public actor SerialQueues {
    /// Present while a key is busy; the continuations of the callers waiting behind it.
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    public init() {}

    public func run<T: Sendable>(_ key: String, _ work: @Sendable () async -> T) async -> T {
        await acquire(key)
        let result = await work()
        release(key)
        return result
    }

    /// Callers waiting behind the running one (for tests and metrics).
    public func queued(_ key: String) -> Int { waiting[key]?.count ?? 0 }

    /// Whether work for `key` is running.
    public func isBusy(_ key: String) -> Bool { waiting[key] != nil }

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
