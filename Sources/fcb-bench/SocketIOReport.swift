import Foundation

/// One webhook → `message:new` round: every client's receipt, in ms after the POST was sent.
struct RoundResult {
    let expected: Int
    let latencies: [Double]
    let postMilliseconds: Double
    let postStatus: Int?
    let postError: String?

    var missing: Int { max(0, expected - latencies.count) }
    /// Last receipt minus first: the fan-out itself, without the pipeline before it.
    var spread: Double { (latencies.last ?? 0) - (latencies.first ?? 0) }

    func line(round: Int) -> String {
        let post = postStatus.map { "POST \($0)" } ?? "POST failed (\(postError ?? "?"))"
        guard let first = latencies.first, let last = latencies.last else {
            return "round \(round): \(post) in \(String(format: "%.1f", postMilliseconds)) ms, no receipts of \(expected)"
        }
        return String(
            format: "round %2d: %@ in %5.1f ms; %d/%d receipts, first %6.1f ms, p50 %6.1f, p99 %6.1f, last %6.1f, spread %6.1f ms",
            round, post, postMilliseconds, latencies.count, expected, first, percentile(latencies, 50), percentile(latencies, 99), last, spread)
    }
}

struct SocketIOReport {
    let options: SocketIOOptions
    let baseline: ProcessSample
    var joined = 0
    var failures: [String: Int] = [:]
    var setupSeconds = 0.0
    var connected = ProcessSample(rssKiB: nil, openFiles: nil)
    var afterRounds = ProcessSample(rssKiB: nil, openFiles: nil)
    var afterClose = ProcessSample(rssKiB: nil, openFiles: nil)
    var closeSeconds = 0.0
    var rounds: [RoundResult] = []
    var unexpectedCloses = 0
    var pingsAnswered = 0
    var strayReceipts = 0

    init(options: SocketIOOptions, baseline: ProcessSample) {
        self.options = options
        self.baseline = baseline
    }

    var setupRate: Double { setupSeconds > 0 ? Double(joined) / setupSeconds : 0 }

    func kibPerConnection(_ sample: ProcessSample) -> Double? {
        guard let rss = sample.rssKiB, let base = baseline.rssKiB, joined > 0 else { return nil }
        return Double(rss - base) / Double(joined)
    }

    var allLatencies: [Double] { rounds.flatMap(\.latencies).sorted() }
    var spreads: [Double] { rounds.map(\.spread).sorted() }
    var missing: Int { rounds.reduce(0) { $0 + $1.missing } }

    /// The limits of docs/targets.md#performance that decide the verdict.
    var passed: Bool {
        let p99 = percentile(allLatencies, 99)
        return joined >= 5000 && missing == 0 && p99 <= 20 && (kibPerConnection(connected) ?? .infinity) <= 30
    }

    func table() -> [String] {
        let all = allLatencies
        let spreads = spreads
        func row(_ figure: String, _ value: String, _ limit: String, _ ratio: String) -> String {
            figure.padding(toLength: 46, withPad: " ", startingAt: 0) + value.padding(toLength: 16, withPad: " ", startingAt: 0)
                + limit.padding(toLength: 14, withPad: " ", startingAt: 0) + ratio
        }
        func ms(_ v: Double) -> String { String(format: "%.1f ms", v) }
        func ratio(_ v: Double, _ limit: Double) -> String { v.isFinite ? String(format: "%.2f× of limit", v / limit) : "-" }
        let perConn = kibPerConnection(connected) ?? .nan
        let perConnAfter = kibPerConnection(afterRounds) ?? .nan
        var lines = [
            "",
            "socket.io, \(options.clients) clients, \(rounds.count) rounds (\(ProcessInfo.processInfo.activeProcessorCount) cores shared by clients and server)",
            row("figure", "measured", "limit", "ratio"),
            row(
                "connections held (joined, all rounds)", "\(joined - unexpectedCloses) of \(options.clients)", "5,000",
                String(format: "%.2f× of limit", Double(joined - unexpectedCloses) / 5000)),
            row("handshake rate (open+CONNECT+join)", String(format: "%.0f/s", setupRate), "", String(format: "%.2f s for all", setupSeconds)),
            row("server RSS per connection (connected)", String(format: "%.1f KiB", perConn), "≤ 30 KiB", ratio(perConn, 30)),
            row("server RSS per connection (after rounds)", String(format: "%.1f KiB", perConnAfter), "≤ 30 KiB", ratio(perConnAfter, 30)),
            row("webhook → message:new, p50 (all receipts)", ms(percentile(all, 50)), "", ""),
            row("webhook → message:new, p99 (all receipts)", ms(percentile(all, 99)), "≤ 20 ms", ratio(percentile(all, 99), 20)),
            row("webhook → message:new, max", ms(all.last ?? .nan), "", ""),
            row("fan-out spread (last − first), p50 of rounds", ms(percentile(spreads, 50)), "", ""),
            row("fan-out spread, max of rounds", ms(spreads.last ?? .nan), "≤ 20 ms", ratio(spreads.last ?? .nan, 20)),
            row("receipts missing / unexpected closes", "\(missing) / \(unexpectedCloses)", "0 / 0", ""),
        ]
        lines.append(
            "server RSS: \(baseline.rssKiB ?? 0) KiB before, \(connected.rssKiB ?? 0) connected, \(afterRounds.rssKiB ?? 0) after rounds, "
                + "\(afterClose.rssKiB ?? 0) after close; open fds \(baseline.openFiles ?? 0) → \(connected.openFiles ?? 0) → \(afterClose.openFiles ?? 0) "
                + String(format: "(close took %.2f s)", closeSeconds))
        if strayReceipts > 0 { lines.append("note: \(strayReceipts) receipts arrived after their round's timeout") }
        return lines
    }
}
