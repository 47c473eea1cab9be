import Metrics
import FCBStore

/// The pipeline's figures for `/metrics` (SPEC §12), through swift-metrics: whatever factory the
/// process bootstrapped (Prometheus in `fcb serve`) exports them.
package struct PipelineMetrics: Sendable {
    package init() {}

    func accepted(items: Int, duplicates: Int) {
        if items > 0 { Counter(label: "fcb_inbox_items_enqueued_total").increment(by: items) }
        if duplicates > 0 { Counter(label: "fcb_inbox_duplicates_total").increment(by: duplicates) }
    }

    /// One finished item: `done`, `parked`, `retry` or `deferred`, by kind.
    func item(kind: String, outcome: String) {
        Counter(label: "fcb_inbox_items_processed_total", dimensions: [("kind", kind), ("outcome", outcome)]).increment()
    }

    /// A flow run by result: `completed`, `paused`, `waiting`, `no_trigger`, `errored`, `failed`, `no_flow`.
    func flowRun(_ result: String) {
        Counter(label: "fcb_flow_runs_total", dimensions: [("result", result)]).increment()
    }

    /// A send by outcome, with Meta's error code when it failed.
    func send(outcome: String, code: String) {
        Counter(label: "fcb_sends_total", dimensions: [("outcome", outcome), ("code", code)]).increment()
    }

    func inbox(_ stats: InboxStats, wallNow: Double) {
        for state in InboxState.allCases {
            Gauge(label: "fcb_inbox_items", dimensions: [("state", state.rawValue)]).record(stats.counts[state] ?? 0)
        }
        let age = stats.oldestUnfinishedAt.map { max(0, wallNow - $0.timeIntervalSince1970) } ?? 0
        Gauge(label: "fcb_inbox_oldest_unfinished_age_seconds").record(age)
    }
}
