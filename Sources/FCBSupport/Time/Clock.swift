import Foundation
import Synchronization

/// Time as the executor sees it. Delays go through `sleep`, so a virtual clock runs a flow
/// with delays instantly and deterministically.
package protocol FlowClock: Sendable {
    func now() -> Date
    /// Waits `milliseconds` (the clock decides what waiting means).
    func sleep(milliseconds: Int) async throws
}

/// Wall-clock time; `sleep` really sleeps.
package struct SystemClock: FlowClock {
    package init() {}
    package func now() -> Date { Date() }
    package func sleep(milliseconds: Int) async throws {
        try await Task.sleep(for: .milliseconds(milliseconds))
    }
}

/// A clock that only moves when told to: `sleep` advances it instantly.
package final class VirtualClock: FlowClock {
    private let current: Mutex<Date>

    package init(start: Date = Date(timeIntervalSince1970: 1_767_225_600)) {  // 2026-01-01T00:00:00Z
        current = Mutex(start)
    }

    package func now() -> Date { current.withLock { $0 } }

    package func sleep(milliseconds: Int) async throws {
        advance(milliseconds: milliseconds)
    }

    package func advance(milliseconds: Int) {
        current.withLock { $0 = $0.addingTimeInterval(Double(milliseconds) / 1000) }
    }

    package func set(_ date: Date) { current.withLock { $0 = date } }
}
