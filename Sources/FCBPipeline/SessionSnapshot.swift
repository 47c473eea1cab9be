import FCBStore
import FCBSupport
import FlowEngine
import Foundation

/// The `Log` row written after every handled inbound (docs/compatibility.md#logs; the old
/// backend's older path's `recordSessionSnapshot`), which the dashboard's metrics count.
struct SessionSnapshot: Sendable {
    let store: any FlowStore
    let clock: any FlowClock

    /// One Log row per item: a deterministic id makes a repeated snapshot (after a crash) a no-op
    /// (the unit of work writes it with `insertLogIfAbsent`).
    static func logId(item: Int64) -> String {
        "cfcblog" + CUIDGenerator.pad(UInt64(max(0, item)), 18)
    }

    func record(sessionId: String, logId: String) async throws(StoreError) {
        guard let session = try await store.session(id: sessionId) else { return }
        let now = clock.now()
        let log = LogRecord(
            id: logId, status: Self.status(of: session), context: session.context ?? .object([:]), createdAt: now, updatedAt: now,
            contactId: session.contactId, flowId: session.flowId)
        try await store.insertLog(log)
    }

    /// FE old: Completed → "Completed", Errored → "Error", else the last in/out history entry
    /// ("Sent"/"Received"), else the status map.
    static func status(of session: SessionRecord) -> String {
        switch session.status {
        case SessionStatus.completed.rawValue: return "Completed"
        case SessionStatus.errored.rawValue: return "Error"
        default: break
        }
        if let history = session.context?["_meta"]?["history"]?.arrayValue {
            for entry in history.reversed() {
                switch entry["direction"]?.stringValue {
                case "out": return "Sent"
                case "in": return "Received"
                default: continue
                }
            }
        }
        switch session.status {
        case SessionStatus.active.rawValue, SessionStatus.paused.rawValue: return "In Progress"
        default: return session.status.isEmpty ? "In Progress" : session.status
        }
    }
}
