import AsyncHTTPClient
import Foundation
import NIOCore

/// Requests sent at a fixed rate whatever the server's answers (open loop), each timed from
/// the instant it was *due*, so a stalled server shows in the latencies instead of silently
/// lowering the offered rate (coordinated omission).
struct OpenLoopResult {
    var latencies: [Double] = []  // ms, sorted
    var statuses: [String: Int] = [:]
    var seconds = 0.0
    var sent = 0

    var ok: Int { statuses["200"] ?? 0 }
    var achievedRate: Double { seconds > 0 ? Double(sent) / seconds : 0 }
    func percentile(_ p: Double) -> Double { fcb_bench.percentile(latencies, p) }
    var statusSummary: String { statuses.sorted { $0.key < $1.key }.map { "\($0.value)× \($0.key)" }.joined(separator: ", ") }
}

/// Posts `count` signed deliveries to `url` at `rate` per second. `sent(index, dueNanos)` is
/// told each request's due instant (monotonic ns) before it is posted.
func openLoopPost(
    client: HTTPClient, url: String, rate: Int, count: Int, delivery: @escaping @Sendable (Int) -> PipelineFixture.Delivery,
    sent: @escaping @Sendable (Int, UInt64) -> Void = { _, _ in }
) async -> OpenLoopResult {
    let start = monotonicNanos() + 50_000_000
    let interval = 1_000_000_000 / UInt64(rate)
    var result = OpenLoopResult()
    await withTaskGroup(of: (Double, String).self) { group in
        var next = 0
        while next < count {
            let now = monotonicNanos()
            let due = start + UInt64(next) * interval
            if due > now {
                try? await Task.sleep(for: .nanoseconds(Int64(due - now)))
                continue
            }
            // Everything due by now goes out in this wake-up.
            while next < count, start + UInt64(next) * interval <= now {
                let index = next
                let dueAt = start + UInt64(index) * interval
                group.addTask {
                    let item = delivery(index)
                    sent(index, dueAt)
                    let status = await postDelivery(client: client, url: url, item)
                    return (milliseconds(monotonicNanos() - dueAt), status)
                }
                next += 1
            }
        }
        for await (latency, status) in group {
            result.latencies.append(latency)
            result.statuses[status, default: 0] += 1
        }
    }
    result.seconds = Double(monotonicNanos() - start) / 1e9
    result.sent = count
    result.latencies.sort()
    return result
}

/// Posts deliveries back to back on `connections` concurrent loops (closed loop); returns the
/// status counts and the wall time.
func closedLoopPost(
    client: HTTPClient, url: String, count: Int, connections: Int, delivery: @escaping @Sendable (Int) -> PipelineFixture.Delivery
) async -> (statuses: [String: Int], seconds: Double) {
    let start = monotonicNanos()
    var statuses: [String: Int] = [:]
    await withTaskGroup(of: [String: Int].self) { group in
        for lane in 0..<connections {
            group.addTask {
                var counts: [String: Int] = [:]
                var index = lane
                while index < count {
                    counts[await postDelivery(client: client, url: url, delivery(index)), default: 0] += 1
                    index += connections
                }
                return counts
            }
        }
        for await counts in group { statuses.merge(counts, uniquingKeysWith: +) }
    }
    return (statuses, Double(monotonicNanos() - start) / 1e9)
}

/// One signed POST; the status code as text, or the error's kind.
func postDelivery(client: HTTPClient, url: String, _ item: PipelineFixture.Delivery) async -> String {
    var request = HTTPClientRequest(url: url)
    request.method = .POST
    request.headers.add(name: "Content-Type", value: "application/json")
    request.headers.add(name: "X-Hub-Signature-256", value: item.signature)
    request.body = .bytes(ByteBuffer(bytes: item.body))
    do {
        let response = try await client.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        return String(response.status.code)
    } catch {
        return "error: \(String(describing: type(of: error)))"
    }
}
