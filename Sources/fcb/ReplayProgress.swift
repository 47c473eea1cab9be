import Synchronization

/// A progress line on standard error (only on a terminal), kept below the result lines.
final class ReplayProgress: Sendable {
    private let total: Int
    private let enabled: Bool
    private let done = Mutex(0)

    init(total: Int, enabled: Bool) {
        self.total = total
        self.enabled = enabled
    }

    /// Prints one result line on standard output, then redraws the progress line.
    func print(_ line: String) {
        done.withLock { count in
            count += 1
            if enabled { FileHandleWriter.standardError("\r\u{1B}[K") }
            FileHandleWriter.standardOutput(line + "\n")
            if enabled {
                let width = 30
                let filled = total > 0 ? width * count / total : width
                let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
                FileHandleWriter.standardError("\(bar) \(count)/\(total) (\(total > 0 ? 100 * count / total : 100)%)")
            }
        }
    }

    func finish() {
        if enabled { FileHandleWriter.standardError("\r\u{1B}[K") }
    }
}
