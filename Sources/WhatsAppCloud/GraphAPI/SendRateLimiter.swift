import FCBSupport
import Foundation

/// The per-phone-number send rate (Meta's default throughput is 80 messages/s per number).
package struct SendRateLimit: Sendable, Equatable {
    package var messagesPerSecond: Double
    /// How many messages may go out at once before the rate applies (a token bucket's size).
    package var burst: Int

    package init(messagesPerSecond: Double = 80, burst: Int = 80) {
        self.messagesPerSecond = messagesPerSecond.isFinite && messagesPerSecond > 0 ? messagesPerSecond : 80
        self.burst = max(1, burst)
    }
}

/// A token bucket per key (the business phone number id), written as GCRA: each key keeps a
/// "theoretical arrival time" and a permit is granted once the bucket would hold a token.
/// Permits are reserved in arrival order before waiting, so concurrent callers queue fairly,
/// and waiting goes through the injected clock (a ``VirtualClock`` makes it instant and exact).
package actor SendRateLimiter {
    package nonisolated let limit: SendRateLimit
    private let clock: any FlowClock
    /// Theoretical arrival time per key, in whole microseconds since 1970: integer arithmetic,
    /// so thousands of 12.5 ms steps never drift.
    private var arrival: [String: Int64] = [:]
    private static let toleranceMicroseconds: Int64 = 5

    package init(limit: SendRateLimit, clock: any FlowClock) {
        self.limit = limit
        self.clock = clock
    }

    /// Returns when a message for `key` may be sent.
    package func acquire(_ key: String) async {
        let wait = reserve(key)
        if wait > 0 {
            try? await clock.sleep(milliseconds: wait)
        }
    }

    /// Books the next permit for `key`; the milliseconds to wait for it (rounded up).
    func reserve(_ key: String) -> Int {
        let now = Int64((clock.now().timeIntervalSince1970 * 1_000_000).rounded())
        let interval = max(1, Int64((1_000_000 / limit.messagesPerSecond).rounded()))
        let start = max(arrival[key] ?? now, now)
        let allowedAt = start - Int64(limit.burst - 1) * interval
        arrival[key] = start + interval
        if arrival.count > 10_000 { arrival = arrival.filter { $0.value > now } }
        // Dates are Doubles: a few microseconds of rounding error must not cost a whole extra
        // millisecond, so waits are rounded up only beyond that.
        let wait = allowedAt - now - Self.toleranceMicroseconds
        return wait > 0 ? Int((wait + 999) / 1000) : 0
    }
}
