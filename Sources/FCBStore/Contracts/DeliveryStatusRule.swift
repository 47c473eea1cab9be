/// The monotonic rule for `Message.status` and `BroadcastRecipient.status`
/// (docs/differences.md#statuses-never-go-backwards), shared by every store so memory, SQLite and
/// PostgreSQL decide alike. Meta delivers statuses out of order and more than once; the old
/// backend applied whatever came last (a late `delivered` overwrote `read`).
enum DeliveryStatusRule {
    /// The ladder: a status applies only above the current one.
    static func rank(_ status: String) -> Int? {
        switch status {
        case "Pending": 0
        case "Sent": 1
        case "Delivered": 2
        case "Read": 3
        default: nil
        }
    }

    /// Off the ladder: a failure report.
    static func isFailure(_ status: String) -> Bool { status == "Failed" || status == "Warning" }

    static func isKnown(_ status: String) -> Bool { rank(status) != nil || isFailure(status) }

    /// Whether `new` replaces `current`. A foreign current value (written by someone else)
    /// accepts any known status; a foreign new value never applies (statuses are mapped first).
    static func replaces(_ current: String, with new: String) -> Bool {
        guard new != current, isKnown(new) else { return false }
        guard isKnown(current) else { return true }
        if isFailure(new) { return current == "Pending" || current == "Sent" }
        guard let newRank = rank(new) else { return false }
        if let currentRank = rank(current) { return newRank > currentRank }
        // From Failed/Warning only a proof of arrival moves on: the message evidently got there.
        return newRank >= 2
    }

    /// The order kept statuses are applied in: the ladder, failures between Sent and
    /// Delivered (they replace only Pending/Sent and yield to Delivered/Read), unknown last.
    static func applyOrder(_ status: String) -> Int {
        if let rank = rank(status) { return rank < 2 ? rank * 2 : rank * 2 + 1 }
        return isFailure(status) ? 3 : 8
    }

    /// The error column after `status` applied: the update's error for a failure, else cleared.
    static func error(for status: String, _ error: String?) -> String? { isFailure(status) ? error : nil }

    /// `BROADCAST_SUCCESS_STATUSES` and `BROADCAST_FAILURE_STATUSES`
    /// (docs/compatibility.md#delivery-statuses).
    static let success: Set<String> = ["Sent", "Delivered", "Read"]
    static let failure: Set<String> = ["Failed"]

    /// `adjustBroadcastAggregates`: +1 entering a set, −1 leaving it.
    static func aggregateDeltas(from old: String, to new: String) -> (success: Int, failure: Int) {
        func delta(_ set: Set<String>) -> Int { (set.contains(new) ? 1 : 0) - (set.contains(old) ? 1 : 0) }
        return (delta(success), delta(failure))
    }
}

/// A status kept because it arrived before its message (`fcb.pending_status`), with the tenant
/// it came for.
struct KeptStatus: Sendable {
    let id: Int64
    let userId: String
    let update: DeliveryStatusUpdate

    /// Ladder order, then Meta's time, then arrival.
    static func applyOrder(_ a: KeptStatus, _ b: KeptStatus) -> Bool {
        (DeliveryStatusRule.applyOrder(a.update.status), a.update.timestamp, a.id)
            < (DeliveryStatusRule.applyOrder(b.update.status), b.update.timestamp, b.id)
    }
}
