import Foundation

/// The benchmark's view of serve's PostgreSQL database, through `psql` and `pgbench`.
struct PipelineDatabase {
    let url: String

    func scalar(_ sql: String) async -> Int? {
        guard let psql = which("psql"), let out = await runCommandDetached(psql, ["-X", "-q", "-A", "-t", url, "-c", sql]) else { return nil }
        return Int(out.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Seconds until no inbox item is pending or processing (nil after `timeout`).
    func waitForDrain(timeout: Duration = .seconds(300)) async -> Double? {
        let start = monotonicNanos()
        let drained = await waitUntilAsync(timeout: timeout, step: .milliseconds(200)) {
            await scalar("SELECT count(*) FROM fcb.inbox WHERE state IN ('pending', 'processing')") == 0
        }
        return drained ? Double(monotonicNanos() - start) / 1e9 : nil
    }

    /// Seconds until `count` echo replies of `phase` are committed as outbound rows.
    func waitForEchoRows(phase: String, count: Int, timeout: Duration = .seconds(120)) async -> Double? {
        let start = monotonicNanos()
        let done = await waitUntilAsync(timeout: timeout, step: .milliseconds(100)) {
            (await scalar(#"SELECT count(*) FROM "Message" WHERE direction = 'outbound' AND content LIKE 'eco: \#(phase)-%'"#) ?? 0) >= count
        }
        return done ? Double(monotonicNanos() - start) / 1e9 : nil
    }

    struct PgbenchRun {
        let clients: Int
        let tps: Double
    }

    /// pgbench running the inbox's own INSERT (same table, indexes and payload size) with one
    /// durable commit each, at 1 and 16 clients.
    func pgbench(seconds: Int, work: String) async -> [PgbenchRun] {
        guard let pgbench = which("pgbench") else { return [] }
        let sample = PipelineFixture.delivery(phase: "pgbench", index: 0, contacts: 1)
        // ": " after keys keeps pgbench from reading `:name` inside the JSON as its variables.
        let payload = String(decoding: sample.body, as: UTF8.self).replacingOccurrences(of: "\":", with: "\": ").replacingOccurrences(of: "'", with: "''")
        let script = """
            INSERT INTO fcb.inbox (received_at, request_id, kind, dedupe_key, contact_key, user_id, payload, state, available_at) \
            VALUES (now(), 'pgbench', 'message', 'pgbench-' || md5(random()::text || clock_timestamp()::text), 'pgbench:' || :client_id, \
            '\(PipelineFixture.tenantId)', '\(payload)'::jsonb, 'done', now());
            """
        let path = work + "/pgbench.sql"
        guard (try? script.write(toFile: path, atomically: true, encoding: .utf8)) != nil else { return [] }
        var runs: [PgbenchRun] = []
        for clients in [1, 16] {
            guard let out = await runCommandDetached(pgbench, ["-n", "-c", String(clients), "-j", "2", "-T", String(seconds), "-f", path, url]) else {
                continue
            }
            for line in out.split(separator: "\n") where line.hasPrefix("tps = ") {
                if let tps = Double(line.dropFirst("tps = ".count).split(separator: " ").first ?? "") { runs.append(PgbenchRun(clients: clients, tps: tps)) }
            }
        }
        return runs
    }
}

/// `waitUntil` with an async condition.
func waitUntilAsync(timeout: Duration, step: Duration, _ done: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while await !done() {
        if ContinuousClock.now >= deadline { return false }
        try? await Task.sleep(for: step)
    }
    return true
}
