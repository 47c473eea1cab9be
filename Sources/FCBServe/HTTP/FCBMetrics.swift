import Metrics
import Prometheus

/// The Prometheus side of fcb's metrics: one registry per process, exposed at `/metrics`.
package enum FCBMetrics {
    package static let webhookRequests = "fcb_webhook_requests_total"
    package static let webhookAck = "fcb_webhook_ack_seconds"

    /// Ack latency buckets: Meta wants a median well under 250 ms, fcb aims at p99 ≤ 10 ms.
    package static let ackBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
        .seconds(5), .seconds(10),
    ]

    /// The factory over `registry` with fcb's histogram buckets. The CLI bootstraps
    /// `MetricsSystem` with it once; tests pass it (or the registry) directly.
    package static func makeFactory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[webhookAck] = ackBuckets
        return factory
    }
}
