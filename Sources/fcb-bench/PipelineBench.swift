import AsyncHTTPClient
import FCBTesting
import Foundation
import Synchronization

/// The serve-side figures of docs/targets.md#performance in one run against a real `fcb serve` on
/// PostgreSQL, with the fake Graph API in this process (so reply arrivals share this process's clock):
/// idle RSS; pgbench's raw inbox INSERT+COMMIT; webhook ack latency at a sustained rate;
/// wrk's closed-loop ack throughput; end-to-end latency at a sustained rate and end-to-end
/// throughput (inbound → 5-node flow → two sends → rows committed); loaded RSS.
func benchmarkPipeline(_ options: PipelineOptions) async -> Bool {
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("fcb-bench-pipeline-\(UUID().uuidString)").path
    do {
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    } catch {
        say("error: cannot create \(work): \(error)")
        return false
    }
    defer { try? FileManager.default.removeItem(atPath: work) }
    let replies = ReplyBoard()
    let client = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: .init(connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 256)))
    var report = PipelineReport(options: options)
    var serve: ServeProcess?
    var fake: FakeGraphAPI?
    do {
        let seed = try PipelineFixture.writeSeed(in: work)
        try "".write(toFile: work + "/empty.env", atomically: true, encoding: .utf8)
        fake = try await FakeGraphAPI.start(observer: { request in replies.record(request) })
        guard let fake else { return false }
        let database = PipelineDatabase(url: options.databaseURL)
        let contacts = options.contacts
        func startServe(workers: Int, name: String, databaseURL: String? = nil) async throws -> ServeProcess? {
            do {
                let server = try await ServeProcess.start(
                    executable: options.fcb,
                    arguments: [
                        "--database-url", databaseURL ?? options.databaseURL, "--seed", seed, "--workers", String(workers),
                        "--log-level", "warning", "--env-file", work + "/empty.env",
                    ],
                    // A number at Meta's 1,000 messages/s tier: 500 messages/s with two replies each.
                    environment: ["META_GRAPH_URL": fake.url, "FCB_ENV": "development", "FCB_SEND_RATE": "1000"],
                    clearing: ["DATABASE_URL", "META_APP_SECRET", "META_VERIFY_TOKEN", "META_ACCESS_TOKEN", "JWT_SECRET"],
                    logPath: work + "/serve-\(name).log")
                serve = server
                return server
            } catch {
                say("error: \(error)")
                return nil
            }
        }

        // A. The ack path alone: an accept-only instance (`--workers 0`, a real deployment
        //    shape: other instances process), so the figures are the webhook's own.
        guard let acceptOnly = try await startServe(workers: 0, name: "accept") else {
            await finish(client: client, serve: serve, fake: fake)
            return false
        }
        let webhookA = acceptOnly.baseURL + "/webhook"
        say("accept-only serve pid \(acceptOnly.pid) on \(acceptOnly.baseURL) (--workers 0)")
        // 1. pgbench: the same inbox INSERT, one durable commit each, rows born finished.
        if options.pgbenchSeconds > 0 {
            report.pgbench = await database.pgbench(seconds: options.pgbenchSeconds, work: work)
            say("pgbench inbox INSERT+COMMIT: " + report.pgbench.map { "\($0.clients) client(s) \(Int($0.tps))/s" }.joined(separator: ", "))
        }
        // 2. Webhook ack at a sustained rate (open loop).
        let ackCount = options.ackRate * options.ackSeconds
        report.ack = await openLoopPost(client: client, url: webhookA, rate: options.ackRate, count: ackCount) { index in
            PipelineFixture.delivery(phase: "ack", index: index, contacts: contacts)
        }
        say(
            String(
                format: "ack at %d/s for %d s: p50 %.2f ms, p99 %.2f ms, max %.1f ms (%@)", options.ackRate, options.ackSeconds,
                report.ack.percentile(50), report.ack.percentile(99), report.ack.latencies.last ?? .nan, report.ack.statusSummary))
        // 3. wrk: closed loop, as fast as acks come back.
        if options.wrkSeconds > 0, let wrk = which("wrk") {
            report.wrk = await runWrk(wrk, url: webhookA, options: options, work: work)
            if let w = report.wrk {
                say(
                    String(
                        format: "wrk -c%d %d s: %.0f req/s, p50 %.2f ms, p99 %.2f ms, non-2xx %d", options.wrkConnections, options.wrkSeconds,
                        w.requestsPerSecond, w.p50, w.p99, w.non2xx))
            }
        } else if options.wrkSeconds > 0 {
            // Without wrk, this process's own HTTP client (heavier per request than wrk, and on
            // the same 2 cores): the figure is a floor.
            let count = max(1000, 1000 * options.wrkSeconds)
            let closed = await closedLoopPost(client: client, url: webhookA, count: count, connections: options.wrkConnections) { index in
                PipelineFixture.delivery(phase: "closed", index: index, contacts: contacts)
            }
            report.closedLoopAcks = (rate: closed.seconds > 0 ? Double(closed.statuses["200", default: 0]) / closed.seconds : 0, statuses: closed.statuses)
            say(
                String(
                    format: "wrk not found: closed loop with fcb-bench's client, %d connections: %d deliveries in %.2f s (%@)", options.wrkConnections,
                    count, closed.seconds, closed.statuses.sorted { $0.key < $1.key }.map { "\($0.value)× \($0.key)" }.joined(separator: ", ")))
        }
        report.acceptedRows = await database.scalar("SELECT count(*) FROM fcb.inbox WHERE kind = 'message' AND state = 'pending'")
        await acceptOnly.terminate()
        // The accepted deliveries are never processed here: they would only delay phase B.
        _ = await database.scalar("WITH gone AS (DELETE FROM fcb.inbox RETURNING 1) SELECT count(*) FROM gone")

        // B. Processing: a normal instance (8 workers by default).
        guard let server = try await startServe(workers: options.workers, name: "process") else {
            await finish(client: client, serve: serve, fake: fake)
            return false
        }
        let sampler = RSSSampler(pid: String(server.pid))
        try? await Task.sleep(for: .seconds(3))
        report.idleRSS = ProcessSample.vmRSS(pid: String(server.pid))
        say(
            "serve pid \(server.pid) on \(server.baseURL) (--workers \(options.workers)), fake Graph on \(fake.url); idle RSS \(report.idleRSS.map { "\($0) KiB" } ?? "?")"
        )
        let samplerTask = Task { await sampler.run() }
        defer { samplerTask.cancel() }
        let webhook = server.baseURL + "/webhook"

        // 4. End to end at a sustained rate: due instant → the echo reply at the fake.
        let e2eCount = options.e2eRate * options.e2eSeconds
        let due = DueBoard(count: e2eCount)
        let e2eLoad = await openLoopPost(
            client: client, url: webhook, rate: options.e2eRate, count: e2eCount,
            delivery: { PipelineFixture.delivery(phase: "e2e", index: $0, contacts: contacts) }, sent: { due.set($0, $1) })
        _ = await waitUntil(timeout: .seconds(180), step: .milliseconds(20)) { replies.count(phase: "e2e") >= e2eCount }
        report.e2eLatencies = replies.latencies(phase: "e2e", due: due.values)
        report.e2eMissing = e2eCount - report.e2eLatencies.count
        report.e2eRowsSeconds = await database.waitForEchoRows(phase: "e2e", count: e2eCount)
        say(
            String(
                format: "end to end at %d/s for %d s: acks %@; p50 %.1f ms, p99 %.1f ms, max %.1f ms; %d replies missing",
                options.e2eRate, options.e2eSeconds, e2eLoad.statusSummary, percentile(report.e2eLatencies, 50),
                percentile(report.e2eLatencies, 99), report.e2eLatencies.last ?? .nan, report.e2eMissing))

        // 5. End-to-end throughput: a burst posted as fast as acknowledged; until the last echo
        //    reply arrived and its rows are committed. The census counts what the database did.
        let censusStart = await database.beginCensus()
        if censusStart == nil { say("census skipped: pg_stat_statements is not loaded (bench/run.sh loads it)") }
        let burstStart = monotonicNanos()
        let cpuBefore = (serve: ProcessSample.cpuSeconds(pid: String(server.pid)) ?? 0, postgres: ProcessSample.cpuSeconds(named: "postgres"))
        let burst = await closedLoopPost(client: client, url: webhook, count: options.burst, connections: 32) {
            PipelineFixture.delivery(phase: "burst", index: $0, contacts: contacts)
        }
        _ = await waitUntil(timeout: .seconds(300), step: .milliseconds(20)) { replies.count(phase: "burst") >= options.burst }
        let lastReply = replies.last(phase: "burst") ?? monotonicNanos()
        report.burstRowsSeconds = await database.waitForEchoRows(phase: "burst", count: options.burst)
        report.burstSeconds = Double(lastReply - burstStart) / 1e9
        report.burstCPU = (
            serve: (ProcessSample.cpuSeconds(pid: String(server.pid)) ?? 0) - cpuBefore.serve,
            postgres: ProcessSample.cpuSeconds(named: "postgres") - cpuBefore.postgres
        )
        report.burstReceived = replies.count(phase: "burst")
        report.burstAckSeconds = burst.seconds
        if let censusStart {
            report.census = await database.endCensus(startLSN: censusStart, messages: options.burst)
        }
        say(
            String(
                format: "burst of %d: acked in %.2f s (%@), last echo reply after %.2f s → %.0f messages/s end to end",
                options.burst, burst.seconds, burst.statuses.sorted { $0.key < $1.key }.map { "\($0.value)× \($0.key)" }.joined(separator: ", "),
                report.burstSeconds, report.burstRate))

        samplerTask.cancel()
        report.peakRSS = sampler.peak
        report.afterRSS = ProcessSample.vmRSS(pid: String(server.pid))
        report.serverAlive = !server.exited
        report.graphRequests = await fake.requestCount
        await server.terminate()

        // C. The embedded default: the same burst on SQLite (one writer, WAL).
        if options.sqliteBurst > 0 {
            let path = work + "/bench.sqlite"
            guard let embedded = try await startServe(workers: options.workers, name: "sqlite", databaseURL: "sqlite:" + path) else {
                await finish(client: client, serve: serve, fake: fake)
                return false
            }
            let start = monotonicNanos()
            let acked = await closedLoopPost(client: client, url: embedded.baseURL + "/webhook", count: options.sqliteBurst, connections: 32) {
                PipelineFixture.delivery(phase: "sqlite", index: $0, contacts: contacts)
            }
            _ = await waitUntil(timeout: .seconds(300), step: .milliseconds(20)) { replies.count(phase: "sqlite") >= options.sqliteBurst }
            let last = replies.last(phase: "sqlite") ?? monotonicNanos()
            report.sqliteReceived = replies.count(phase: "sqlite")
            report.sqliteSeconds = Double(last - start) / 1e9
            say(
                String(
                    format: "SQLite burst of %d: acked in %.2f s, last echo reply after %.2f s → %.0f messages/s end to end",
                    options.sqliteBurst, acked.seconds, report.sqliteSeconds, report.sqliteRate))
            await embedded.terminate()
        }
    } catch {
        say("error: \(error)")
        await finish(client: client, serve: serve, fake: fake)
        return false
    }
    await finish(client: client, serve: serve, fake: fake)
    for line in report.table() { print(line) }
    report.writeSummary()
    return report.passed
}

private func finish(client: HTTPClient, serve: ServeProcess?, fake: FakeGraphAPI?) async {
    await serve?.terminate()
    await fake?.stop()
    try? await client.shutdown()
}

/// Arrival instants of echo replies at the fake Graph API, by message text (`PHASE-INDEX`).
final class ReplyBoard: Sendable {
    private let arrivals = Mutex<[String: [Int: UInt64]]>([:])

    func record(_ request: FakeGraphRequest) {
        let now = monotonicNanos()
        guard request.graph?.edge == "messages", let text = request.json?["text"]?["body"]?.stringValue, text.hasPrefix("eco: ") else { return }
        let tag = text.dropFirst("eco: ".count)
        guard let dash = tag.lastIndex(of: "-"), let index = Int(tag[tag.index(after: dash)...]) else { return }
        let phase = String(tag[..<dash])
        arrivals.withLock { board in
            if board[phase]?[index] == nil { board[phase, default: [:]][index] = now }
        }
    }

    func count(phase: String) -> Int { arrivals.withLock { $0[phase]?.count ?? 0 } }
    func last(phase: String) -> UInt64? { arrivals.withLock { $0[phase]?.values.max() } }

    /// Milliseconds from each message's due instant to its echo reply, sorted.
    func latencies(phase: String, due: [UInt64]) -> [Double] {
        let seen = arrivals.withLock { $0[phase] ?? [:] }
        return seen.compactMap { index, at in
            guard index < due.count, due[index] > 0, at >= due[index] else { return nil }
            return milliseconds(at - due[index])
        }.sorted()
    }
}

/// Each request's due instant, written by the load generator.
final class DueBoard: Sendable {
    private let due: Mutex<[UInt64]>
    init(count: Int) { due = Mutex(Array(repeating: 0, count: count)) }
    func set(_ index: Int, _ at: UInt64) { due.withLock { $0[index] = at } }
    var values: [UInt64] { due.withLock { $0 } }
}

/// The server's VmRSS every 250 ms; keeps the peak.
final class RSSSampler: Sendable {
    let pid: String
    private let maximum = Mutex<Int?>(nil)
    init(pid: String) { self.pid = pid }
    var peak: Int? { maximum.withLock { $0 } }

    func run() async {
        while !Task.isCancelled {
            if let rss = ProcessSample.vmRSS(pid: pid) { maximum.withLock { $0 = max($0 ?? 0, rss) } }
            try? await Task.sleep(for: .milliseconds(250))
        }
    }
}
