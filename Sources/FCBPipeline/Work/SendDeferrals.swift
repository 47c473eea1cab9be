import FCBSupport
import FlowEngine
import Foundation

/// When a reply Meta did not accept is sent again (docs/serve.md#graph-outages): 5 s after the
/// first refusal, doubling to at most a minute, with jitter so that the contacts of one outage
/// do not all come back at once; never after `deadline` from the first refusal.
struct SendDeferrals: Sendable {
    let deadline: Duration
    let clock: any FlowClock
    let random: any RandomSource

    init(deadline: Duration = .seconds(3600), clock: any FlowClock = SystemClock(), random: any RandomSource = SystemRandomSource()) {
        self.deadline = deadline
        self.clock = clock
        self.random = random
    }

    static let first: TimeInterval = 5
    static let longest: TimeInterval = 60

    /// The time of deferral `count` (1 for the first), or nil once the deadline has passed.
    func next(since: Date, count: Int, now: Date) -> Date? {
        guard now.timeIntervalSince(since) < deadline.timeInterval else { return nil }
        let ceiling = min(Self.longest, Self.first * pow(2, Double(min(max(0, count - 1), 10))))
        let wait = ceiling / 2 + ceiling / 2 * random.unit()
        return min(now.addingTimeInterval(wait), since.addingTimeInterval(deadline.timeInterval))
    }

    static func describe(_ seconds: TimeInterval) -> String {
        seconds < 120 ? "\(Int(seconds)) s" : "\(Int(seconds / 60)) min"
    }
}
