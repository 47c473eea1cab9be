import Foundation

/// The pipeline benchmark's figures, printed beside their limits (docs/targets.md#performance).
struct PipelineReport {
    let options: PipelineOptions
    var idleRSS: Int?
    var peakRSS: Int?
    var afterRSS: Int?
    var pgbench: [PipelineDatabase.PgbenchRun] = []
    var ack = OpenLoopResult()
    /// Deliveries the accept-only instance stored (pending) after the ack phases.
    var acceptedRows: Int?
    var wrk: WrkResult?
    /// Without wrk: acks per second with this process's own client, closed loop.
    var closedLoopAcks: (rate: Double, statuses: [String: Int])?
    var e2eLatencies: [Double] = []
    var e2eMissing = 0
    var e2eRowsSeconds: Double?
    var burstSeconds = 0.0
    var burstAckSeconds = 0.0
    var burstReceived = 0
    var burstRowsSeconds: Double?
    var census: PipelineCensus?
    /// CPU seconds over the burst (until its rows were committed): fcb serve, and PostgreSQL's processes.
    var burstCPU: (serve: Double, postgres: Double)?
    var sqliteReceived = 0
    var sqliteSeconds = 0.0
    var sqliteRate: Double { sqliteSeconds > 0 ? Double(sqliteReceived) / sqliteSeconds : 0 }
    var serverAlive = false
    var graphRequests = 0

    var burstRate: Double { burstSeconds > 0 ? Double(burstReceived) / burstSeconds : 0 }
    var pgbench16: Double? { pgbench.first { $0.clients == 16 }?.tps }

    /// Rows of the summary: measurement, figure, limit, ratio (figure ÷ limit, or as stated).
    var rows: [(String, String, String, String)] {
        var rows: [(String, String, String, String)] = []
        func mib(_ kib: Int?) -> String { kib.map { String(format: "%.1f MiB", Double($0) / 1024) } ?? "?" }
        rows.append(
            ("idle RSS (fcb serve, PostgreSQL)", mib(idleRSS), "≤ 60 MiB", idleRSS.map { String(format: "%.2f× of limit", Double($0) / 1024 / 60) } ?? "?"))
        let ackP99 = ack.percentile(99)
        rows.append(
            (
                "webhook ack p99 at \(options.ackRate)/s (open loop, --workers 0)", String(format: "%.2f ms", ackP99), "≤ 10 ms",
                String(format: "%.2f× of limit", ackP99 / 10)
            ))
        rows.append(
            (
                "webhook ack p50 / max", String(format: "%.2f / %.1f ms", ack.percentile(50), ack.latencies.last ?? .nan), "",
                "\(ack.ok) of \(ack.sent) answered 200"
            ))
        if let wrk {
            rows.append(
                (
                    "webhook ack throughput (wrk -c\(options.wrkConnections))", String(format: "%.0f/s", wrk.requestsPerSecond), "≥ 50 % of pgbench",
                    pgbench16.map { String(format: "%.0f %% of pgbench (16 clients)", wrk.requestsPerSecond / $0 * 100) } ?? "no pgbench"
                ))
            rows.append(("  wrk latency p50 / p99", String(format: "%.2f / %.2f ms", wrk.p50, wrk.p99), "", "non-2xx \(wrk.non2xx)"))
        }
        if let closed = closedLoopAcks {
            rows.append(
                (
                    "webhook ack throughput (closed loop, -c\(options.wrkConnections), no wrk)", String(format: "%.0f/s", closed.rate), "≥ 50 % of pgbench",
                    pgbench16.map { String(format: "%.0f %% of pgbench (16 clients)", closed.rate / $0 * 100) } ?? "no pgbench"
                ))
        }
        for run in pgbench {
            rows.append(("  pgbench inbox INSERT+COMMIT, \(run.clients) client(s)", String(format: "%.0f/s", run.tps), "", "baseline"))
        }
        let e2eP99 = percentile(e2eLatencies, 99)
        rows.append(
            (
                "end to end p99 at \(options.e2eRate)/s (5 nodes, 2 sends)", String(format: "%.1f ms", e2eP99), "≤ 50 ms",
                String(format: "%.2f× of limit", e2eP99 / 50)
            ))
        rows.append(
            (
                "  end to end p50 / max", String(format: "%.1f / %.1f ms", percentile(e2eLatencies, 50), e2eLatencies.last ?? .nan), "",
                "\(e2eMissing) replies missing"
            ))
        rows.append(
            (
                "end to end throughput (burst of \(options.burst))", String(format: "%.0f messages/s", burstRate), "≥ 500/s",
                String(format: "%.2f× of limit", burstRate / 500)
            ))
        if let pgbench16 {
            rows.append(
                (
                    "end to end throughput vs pgbench (16 clients)", String(format: "%.1f %% of pgbench", burstRate / pgbench16 * 100), "≥ 6 % of pgbench",
                    String(format: "%.2f× of limit", burstRate / pgbench16 * 100 / 6)
                ))
        }
        if let census {
            let statements = census.perMessage(census.workStatements)
            rows.append(
                (
                    "statements per message (pg_stat_statements)", String(format: "%.2f", statements), "≤ 12",
                    String(format: "%.2f× of limit", statements / 12)
                ))
            if let commits = census.durableCommits {
                let perMessage = census.perMessage(commits)
                rows.append(
                    (
                        "durable commits per message (WAL COMMIT records)", String(format: "%.2f", perMessage), "≤ 4",
                        String(format: "%.2f× of limit", perMessage / 4)
                    ))
            }
        }
        if options.sqliteBurst > 0 {
            rows.append(
                (
                    "end to end throughput, SQLite (burst of \(options.sqliteBurst))", String(format: "%.0f messages/s", sqliteRate), "≥ 250/s",
                    String(format: "%.2f× of limit", sqliteRate / 250)
                ))
        }
        rows.append(("loaded RSS (peak during the run)", mib(peakRSS), "", "after: \(mib(afterRSS))"))
        return rows
    }

    func table() -> [String] {
        var lines = ["", "fcb serve on PostgreSQL, \(options.workers) workers (load generator, fake Graph API, PostgreSQL and server share 2 cores)"]
        lines.append(
            "measurement".padding(toLength: 52, withPad: " ", startingAt: 0) + "figure".padding(toLength: 20, withPad: " ", startingAt: 0)
                + "limit".padding(toLength: 20, withPad: " ", startingAt: 0) + "ratio")
        for (name, figure, limit, ratio) in rows {
            lines.append(
                name.padding(toLength: 52, withPad: " ", startingAt: 0) + figure.padding(toLength: 20, withPad: " ", startingAt: 0)
                    + limit.padding(toLength: 20, withPad: " ", startingAt: 0) + ratio)
        }
        lines.append(
            String(
                format:
                    "ack phases: %@ deliveries stored by the accept-only instance; e2e rows committed %@ after the last reply; burst acked in %.2f s; %d Graph requests; server %@",
                acceptedRows.map(String.init) ?? "?", e2eRowsSeconds.map { String(format: "%.2f s", $0) } ?? "NOT", burstAckSeconds,
                graphRequests, serverAlive ? "alive" : "EXITED"))
        if let cpu = burstCPU, burstReceived > 0 {
            lines.append(
                String(
                    format: "burst CPU: fcb serve %.2f s (%.3f ms/message, %.0f %% of a core), PostgreSQL %.2f s (%.3f ms/message)", cpu.serve,
                    cpu.serve * 1000 / Double(burstReceived), burstSeconds > 0 ? cpu.serve / burstSeconds * 100 : 0, cpu.postgres,
                    cpu.postgres * 1000 / Double(burstReceived)))
        }
        if let census { lines += census.lines() }
        return lines
    }

    /// Appends the rows to `$FCB_BENCH_SUMMARY` (tab-separated) for bench/run.sh's final table.
    func writeSummary() {
        appendSummary(rows.filter { !$0.2.isEmpty })
    }

    /// The run is valid (not necessarily within limits): every phase completed, nothing lost.
    var passed: Bool {
        serverAlive && e2eMissing == 0 && e2eRowsSeconds != nil && burstRowsSeconds != nil
            && (options.sqliteBurst == 0 || sqliteReceived == options.sqliteBurst)
    }
}

/// Appends summary rows (measurement, figure, limit, ratio) to `$FCB_BENCH_SUMMARY` when set.
func appendSummary(_ rows: [(String, String, String, String)]) {
    guard let path = ProcessInfo.processInfo.environment["FCB_BENCH_SUMMARY"], !path.isEmpty else { return }
    let text = rows.map { "\($0.0)\t\($0.1)\t\($0.2)\t\($0.3)\n" }.joined()
    if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
    guard let handle = FileHandle(forWritingAtPath: path) else { return }
    handle.seekToEndOfFile()
    handle.write(Data(text.utf8))
    try? handle.close()
}
