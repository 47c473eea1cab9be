import FCBSupport
import Foundation

/// A message's delivery status as the dashboard stores it (`Message.status`,
/// `BroadcastRecipient.status`), mapped from Meta's status values as the old backend's current
/// webhook path maps them (docs/compatibility.md#delivery-statuses).
package enum DeliveryStatus: String, Sendable, Equatable, CaseIterable {
    case pending = "Pending"
    case sent = "Sent"
    case delivered = "Delivered"
    case read = "Read"
    case failed = "Failed"
    case warning = "Warning"

    /// Trimmed and lower-cased, then: `sent`; `delivered`; `read`; `failed`/`undelivered`/`deleted`;
    /// `warning`; `pending`/`queued`. Anything else is nil (the old backend skipped such statuses too).
    package init?(meta raw: String) {
        switch raw.trimmingJSWhitespace().jsLowercased() {
        case "sent": self = .sent
        case "delivered": self = .delivered
        case "read": self = .read
        case "failed", "undelivered", "deleted": self = .failed
        case "warning": self = .warning
        case "pending", "queued": self = .pending
        default: return nil
        }
    }

    /// Position on the way to the contact (`Pending < Sent < Delivered < Read`); nil for
    /// `Failed` and `Warning`, which are not steps of that progression.
    package var progress: Int? {
        switch self {
        case .pending: 0
        case .sent: 1
        case .delivered: 2
        case .read: 3
        case .failed, .warning: nil
        }
    }

    /// The monotonic rule (docs/differences.md#statuses-never-go-backwards): a status never goes
    /// back along `Pending < Sent < Delivered < Read`; `Failed` and `Warning` replace only `Pending`
    /// or `Sent`; after `Failed`/`Warning` a `Delivered` or `Read` still applies (the message
    /// evidently arrived). The stores apply the same rule in SQL.
    package func mayReplace(_ current: DeliveryStatus) -> Bool {
        switch (self, current) {
        case (.failed, .pending), (.failed, .sent), (.warning, .pending), (.warning, .sent): return true
        case (.failed, _), (.warning, _): return false
        case (.delivered, .failed), (.delivered, .warning), (.read, .failed), (.read, .warning): return true
        case (_, .failed), (_, .warning): return false
        default: return (progress ?? 0) > (current.progress ?? 0)
        }
    }
}

extension WebhookStatus {
    /// The mapped status, or nil for values the dashboard does not know.
    package var deliveryStatus: DeliveryStatus? { DeliveryStatus(meta: status) }

    /// As in the old backend's current webhook path: a finite `Number(timestamp)` is Unix seconds
    /// (0 and negative included).
    package var date: Date? {
        guard let timestamp, let seconds = Double(timestamp.trimmingJSWhitespace()), seconds.isFinite,
            abs(seconds) <= ISOTimestamp.maxSeconds
        else { return nil }  // beyond JavaScript's Date range: treated as absent ("now")
        return Date(timeIntervalSince1970: seconds)
    }

    /// The error text stored on a Failed row: from the first error, the first non-blank of
    /// `error_data.details`, `message`, `title`, `Error code <code>`; else "Delivery failed".
    package var errorText: String {
        guard let first = errors.first else { return "Delivery failed" }
        for candidate in [first.details, first.message, first.title] {
            if let text = candidate?.trimmingJSWhitespace(), !text.isEmpty { return text }
        }
        if let code = first.code { return "Error code \(code)" }
        return "Delivery failed"
    }
}

extension WebhookMessage {
    /// Unix seconds of `timestamp`, when it is a finite number.
    package var date: Date? {
        guard let timestamp, let seconds = Double(timestamp.trimmingJSWhitespace()), seconds.isFinite,
            abs(seconds) <= ISOTimestamp.maxSeconds
        else { return nil }  // beyond JavaScript's Date range: treated as absent ("now")
        return Date(timeIntervalSince1970: seconds)
    }
}
