import Synchronization

#if canImport(Glibc)
import CMalloc
#endif

/// The request-body bytes all requests together may hold in memory
/// (``ListenerLimits/bodyBudgetBytes``, docs/serve.md#listener-limits). A body that does not fit
/// is refused at once (503) instead of being read; when a spike has passed — nothing in flight
/// after more than ``trimThreshold`` was — the freed heap is handed back to the system.
package final class BodyBudget: Sendable {
    private struct State {
        var inFlight = 0
        var peakSinceTrim = 0
    }

    package let limit: Int
    /// Peaks below this are not worth a trim.
    package let trimThreshold: Int
    private let state = Mutex(State())
    private let trims = Atomic(0)

    package init(limit: Int, trimThreshold: Int = 8 << 20) {
        self.limit = max(0, limit)
        self.trimThreshold = trimThreshold
    }

    package var inFlight: Int { state.withLock { $0.inFlight } }
    /// How many times the heap was trimmed (tests, metrics).
    package var trimCount: Int { trims.load(ordering: .relaxed) }

    /// Takes `bytes` from the budget; false (nothing taken) when they do not fit.
    package func reserve(_ bytes: Int) -> Bool {
        state.withLock { s in
            guard bytes <= limit - s.inFlight else { return false }
            s.inFlight += bytes
            s.peakSinceTrim = max(s.peakSinceTrim, s.inFlight)
            return true
        }
    }

    package func release(_ bytes: Int) {
        let trim = state.withLock { s -> Bool in
            s.inFlight -= bytes
            guard s.inFlight == 0, s.peakSinceTrim >= trimThreshold else { return false }
            s.peakSinceTrim = 0
            return true
        }
        if trim {
            trims.add(1, ordering: .relaxed)
            Self.returnFreeMemory()
        }
    }

    /// glibc keeps freed pages of its arenas; `malloc_trim` gives them back.
    package static func returnFreeMemory() {
        #if canImport(Glibc)
        _ = malloc_trim(0)
        #endif
    }
}
