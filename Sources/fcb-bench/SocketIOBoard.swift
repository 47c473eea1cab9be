import Dispatch
import HummingbirdWSClient
import Synchronization

/// Monotonic nanoseconds, the one clock every figure of the Socket.IO benchmark uses.
func monotonicNanos() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

/// What every benchmark client reports to: handshakes, receipts, failures. Clients only
/// write; the orchestrator polls it between phases.
final class SocketIOBoard: Sendable {
    struct State {
        var joined = 0
        var lastJoinAt: UInt64 = 0
        var failures: [String: Int] = [:]
        var writers: [Int: WebSocketOutboundWriter] = [:]
        var alive = 0
        var unexpectedCloses = 0
        var closing = false
        var pingsAnswered = 0
        var eventsReceived = 0
        /// The round being measured (-1: none) and its receipts in nanoseconds.
        var round = -1
        var receipts: [UInt64] = []
        var strayReceipts = 0
    }

    private let state = Mutex(State())

    var snapshot: State { state.withLock { $0 } }

    func opened() { state.withLock { $0.alive += 1 } }

    func joined(_ index: Int, writer: WebSocketOutboundWriter) {
        let now = monotonicNanos()
        state.withLock { s in
            s.joined += 1
            s.lastJoinAt = now
            s.writers[index] = writer
        }
    }

    func failed(_ reason: String) { state.withLock { $0.failures[reason, default: 0] += 1 } }

    func ended(_ index: Int) {
        state.withLock { s in
            s.alive -= 1
            if s.writers.removeValue(forKey: index) != nil, !s.closing { s.unexpectedCloses += 1 }
        }
    }

    func pingAnswered() { state.withLock { $0.pingsAnswered += 1 } }

    func event() { state.withLock { $0.eventsReceived += 1 } }

    func receipt(round: Int, at time: UInt64) {
        state.withLock { s in
            if round == s.round { s.receipts.append(time) } else { s.strayReceipts += 1 }
        }
    }

    func startRound(_ round: Int) {
        state.withLock { s in
            s.round = round
            s.receipts.removeAll(keepingCapacity: true)
        }
    }

    /// The round's receipts so far, and how many clients are still joined.
    func roundProgress() -> (receipts: Int, joined: Int) { state.withLock { ($0.receipts.count, $0.writers.count) } }

    func endRound() -> [UInt64] {
        state.withLock { s in
            s.round = -1
            return s.receipts
        }
    }

    /// Marks the close as intended and hands back every joined client's writer.
    func beginClosing() -> [WebSocketOutboundWriter] {
        state.withLock { s in
            s.closing = true
            return Array(s.writers.values)
        }
    }
}
