import Dispatch
import Synchronization

/// One timer for every deadline in the process (docs/serve.md#deadlines): a call registers its
/// deadline and what to do when it passes, and unregisters when it finishes first. A sweep every
/// ``resolution`` expires what is due — instead of a sleeping timer task per database call,
/// which showed as 10–14 % of the CPU of each webhook ack in profiles.
package final class DeadlineWatchdog: Sendable {
    package static let shared = DeadlineWatchdog(resolution: .milliseconds(50))

    private struct Entry {
        let deadline: ContinuousClock.Instant
        let expire: @Sendable () -> Void
    }

    private struct State {
        var entries: [UInt64: Entry] = [:]
        var nextToken: UInt64 = 0
        /// The earliest deadline registered (a sweep before it has nothing to do).
        var earliest: ContinuousClock.Instant?
    }

    /// How late a deadline may fire.
    package let resolution: Duration
    private let state = Mutex(State())
    private let timer: SweepTimer

    package init(resolution: Duration) {
        self.resolution = resolution
        timer = SweepTimer(every: resolution)
        timer.start { [weak self] in self?.sweep() }
    }

    deinit { timer.stop() }

    /// Calls `expire` once `deadline` has passed, unless ``unregister(_:)`` comes first.
    package func register(deadline: ContinuousClock.Instant, expire: @escaping @Sendable () -> Void) -> UInt64 {
        state.withLock { s in
            s.nextToken &+= 1
            s.entries[s.nextToken] = Entry(deadline: deadline, expire: expire)
            s.earliest = min(s.earliest ?? deadline, deadline)
            return s.nextToken
        }
    }

    package func unregister(_ token: UInt64) {
        state.withLock { s in
            s.entries[token] = nil
            if s.entries.isEmpty { s.earliest = nil }
        }
    }

    /// Registered deadlines not yet expired or unregistered (tests).
    package var pending: Int { state.withLock { $0.entries.count } }

    private func sweep() {
        let now = ContinuousClock.now
        let due = state.withLock { s -> [Entry] in
            guard let earliest = s.earliest, earliest <= now else { return [] }
            var due: [Entry] = []
            var next: ContinuousClock.Instant?
            for (token, entry) in s.entries {
                if entry.deadline <= now {
                    due.append(entry)
                    s.entries[token] = nil
                } else {
                    next = min(next ?? entry.deadline, entry.deadline)
                }
            }
            s.earliest = next
            return due
        }
        for entry in due { entry.expire() }
    }
}

/// The watchdog's one repeating dispatch timer (not a task: it runs for the process's lifetime
/// at no cost between ticks with nothing due). Unchecked: a dispatch source is thread-safe, and
/// the reference is set once, in `init`.
private final class SweepTimer: @unchecked Sendable {
    private let source: any DispatchSourceTimer
    private let interval: Duration

    init(every interval: Duration) {
        self.interval = interval
        source = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "fcb.deadline-watchdog"))
    }

    func start(_ tick: @escaping @Sendable () -> Void) {
        let nanoseconds = Int(interval.components.seconds) * 1_000_000_000 + Int(interval.components.attoseconds / 1_000_000_000)
        source.schedule(deadline: .now(), repeating: .nanoseconds(nanoseconds), leeway: .nanoseconds(nanoseconds / 5))
        source.setEventHandler(handler: tick)
        source.resume()
    }

    func stop() { source.cancel() }
}
