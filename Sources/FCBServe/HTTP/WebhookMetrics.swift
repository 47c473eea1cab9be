import Metrics
import Synchronization

/// `fcb_webhook_requests_total{method,outcome}` (outcome: the status code) and
/// `fcb_webhook_ack_seconds` (POST deliveries, from request head to response).
final class WebhookMetrics: Sendable {
    private let factory: any MetricsFactory
    private let counters = Mutex<[String: Counter]>([:])
    private let ack: Metrics.Timer

    init(factory: any MetricsFactory) {
        self.factory = factory
        self.ack = Metrics.Timer(label: FCBMetrics.webhookAck, dimensions: [], factory: factory)
    }

    func recordRequest(method: String, status: Int) {
        let key = "\(method) \(status)"
        let counter = counters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = Counter(label: FCBMetrics.webhookRequests, dimensions: [("method", method), ("outcome", String(status))], factory: factory)
            counters[key] = counter
            return counter
        }
        counter.increment()
    }

    func recordAck(_ duration: Duration) {
        ack.recordNanoseconds(duration.nanoseconds)
    }
}
