import Logging
import Synchronization

/// Logs the 1st, 2nd, 4th, 8th … occurrence of a repeated problem at `level` and the rest at
/// debug, so a database outage or a chatty foreign publisher cannot flood the log.
final class LogThrottle: Sendable {
    private let count = Mutex(0)
    let level: Logger.Level

    init(level: Logger.Level) { self.level = level }

    /// The level for this occurrence, and how many there have been so far.
    func next() -> (level: Logger.Level, count: Int) {
        let n = count.withLock { value in
            value += 1
            return value
        }
        return (n & (n - 1) == 0 ? level : .debug, n)
    }
}
