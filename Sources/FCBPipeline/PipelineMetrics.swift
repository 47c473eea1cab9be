import FCBStore
import Metrics

/// The pipeline's figures for `/metrics` (docs/configuration.md#logs-and-metrics), through
/// swift-metrics: whatever factory the process bootstrapped (Prometheus in `fcb serve`) exports them.
package struct PipelineMetrics: Sendable {
    package init() {}

    func accepted(items: Int, duplicates: Int) {
        if items > 0 { Counter(label: "fcb_inbox_items_enqueued_total").increment(by: items) }
        if duplicates > 0 { Counter(label: "fcb_inbox_duplicates_total").increment(by: duplicates) }
    }

    /// What became of one processed inbox item (label `outcome`).
    enum ItemOutcome: String {
        case done, parked, retry, deferred
    }

    /// How one flow run ended (label `result`).
    enum FlowRunResultLabel: String {
        case completed, paused, waiting, errored, failed
        case noTrigger = "no_trigger"
        case noFlow = "no_flow"
    }

    /// How one send ended (label `outcome`).
    enum SendOutcome: String {
        case sent, failed
        /// Meta did not take it; the item is deferred to send it again.
        case notAccepted = "not_accepted"
    }

    /// One finished item, by kind.
    func item(kind: WorkItemKind, outcome: ItemOutcome) {
        Counter(label: "fcb_inbox_items_processed_total", dimensions: [("kind", kind.stored), ("outcome", outcome.rawValue)]).increment()
    }

    func flowRun(_ result: FlowRunResultLabel) {
        Counter(label: "fcb_flow_runs_total", dimensions: [("result", result.rawValue)]).increment()
    }

    /// A send by outcome, with Meta's error code when it failed (`http_NNN`, `network`).
    func send(_ outcome: SendOutcome, code: String) {
        Counter(label: "fcb_sends_total", dimensions: [("outcome", outcome.rawValue), ("code", code)]).increment()
    }

    func inbox(_ stats: InboxStats, wallNow: Double) {
        for state in InboxState.allCases {
            Gauge(label: "fcb_inbox_items", dimensions: [("state", state.rawValue)]).record(stats.counts[state] ?? 0)
        }
        let age = stats.oldestUnfinishedAt.map { max(0, wallNow - $0.timeIntervalSince1970) } ?? 0
        Gauge(label: "fcb_inbox_oldest_unfinished_age_seconds").record(age)
    }
}
