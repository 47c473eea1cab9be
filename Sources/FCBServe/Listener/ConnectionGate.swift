import Logging
import Synchronization

/// Counts a listener's open connections against ``ListenerLimits/maxConnections`` and says so,
/// once, when the limit starts refusing connections and when it stops (docs/serve.md#listener-limits).
package final class ConnectionGate: Sendable {
    private struct State {
        var open = 0
        /// Connections refused since the limit was reached; nil while under it.
        var refusedInEpisode: Int?
    }

    package let limit: Int
    private let label: String
    private let logger: Logger
    private let state = Mutex(State())

    package init(limit: Int, label: String, logger: Logger) {
        self.limit = max(1, limit)
        self.label = label
        self.logger = logger
    }

    package var openConnections: Int { state.withLock { $0.open } }

    /// true: the connection counts against the limit until ``release()``; false: refuse it.
    package func admit() -> Bool {
        let (admitted, firstRefusal) = state.withLock { s -> (Bool, Bool) in
            if s.open < limit {
                s.open += 1
                return (true, false)
            }
            let first = s.refusedInEpisode == nil
            s.refusedInEpisode = (s.refusedInEpisode ?? 0) + 1
            return (false, first)
        }
        if firstRefusal {
            logger.warning(
                "\(label): \(limit) connections are open, the limit; new connections get 503 until some close (raise it with FCB_MAX_CONNECTIONS or --max-connections, and the open-file limit with ulimit -n)",
                metadata: ["limit": "\(limit)"])
        }
        return admitted
    }

    package func release() {
        let refused = state.withLock { s -> Int? in
            s.open -= 1
            // The episode ends once a tenth of the room is free again, so a limit that is being
            // hovered at logs two lines, not one per connection.
            guard let refused = s.refusedInEpisode, s.open <= limit - max(1, limit / 10) else { return nil }
            s.refusedInEpisode = nil
            return refused
        }
        if let refused {
            logger.notice("\(label): below the connection limit again; \(refused) connection\(refused == 1 ? " was" : "s were") refused meanwhile")
        }
    }
}
