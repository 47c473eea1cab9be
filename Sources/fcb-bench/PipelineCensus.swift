import Foundation

/// What the database did per message during a phase (docs/serve.md#units-of-work): statements
/// from `pg_stat_statements` (needs `shared_preload_libraries=pg_stat_statements`, which
/// bench/run.sh sets), and durable commits — COMMIT records in the WAL over the phase (read with
/// `pg_waldump`, only transactions that wrote make one) minus the realtime fan-out's `pg_notify`
/// transactions and the inbox claims, which do not wait for the WAL flush
/// (`synchronous_commit=off`; a claim that took nothing writes no record, so under a burst the
/// subtraction is exact and on an idle server it can undercount).
struct PipelineCensus {
    struct Statement {
        let calls: Int
        let query: String
    }

    var messages = 0
    var statements: [Statement] = []
    var commitRecords: Int?

    var notifyCalls: Int { statements.filter { $0.query.contains("pg_notify") }.reduce(0) { $0 + $1.calls } }
    var transactionControl: Int { statements.filter { Self.isTransactionControl($0.query) }.reduce(0) { $0 + $1.calls } }
    /// Statements fcb sent for the messages: not the fan-out's notifies, not BEGIN/COMMIT.
    var workStatements: Int {
        statements.filter { !$0.query.contains("pg_notify") && !Self.isTransactionControl($0.query) }.reduce(0) { $0 + $1.calls }
    }
    /// Claim transactions (`SET LOCAL synchronous_commit = off` opens each).
    var asynchronousClaims: Int { statements.filter { $0.query.hasPrefix("SET LOCAL synchronous_commit") }.reduce(0) { $0 + $1.calls } }
    var durableCommits: Int? { commitRecords.map { max(0, $0 - notifyCalls - asynchronousClaims) } }

    func perMessage(_ value: Int) -> Double { messages > 0 ? Double(value) / Double(messages) : .nan }

    static func isTransactionControl(_ query: String) -> Bool {
        let head = query.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        return ["BEGIN", "COMMIT", "ROLLBACK", "SET LOCAL"].contains { head.hasPrefix($0) }
    }

    /// The top statements per message, for bench/RESULTS.md's census table.
    func lines(top: Int = 14) -> [String] {
        var lines = [
            String(
                format: "census over %d messages: %.2f statements/message (+ %.2f BEGIN/COMMIT/SET LOCAL), %@ durable commits/message, %.2f pg_notify/message",
                messages, perMessage(workStatements), perMessage(transactionControl),
                durableCommits.map { String(format: "%.2f", perMessage($0)) } ?? "?", perMessage(notifyCalls))
        ]
        for statement in statements.sorted(by: { $0.calls > $1.calls }).prefix(top) {
            let text = statement.query.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
            lines.append(String(format: "  %6.2f  %@", perMessage(statement.calls), String(text.prefix(110))))
        }
        return lines
    }
}

extension PipelineDatabase {
    /// Starts a census: resets the statement counters and returns the WAL position.
    func beginCensus() async -> String? {
        guard await scalarText("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT 1") != nil,
            await scalarText("SELECT pg_stat_statements_reset() IS NULL") != nil
        else { return nil }
        return await scalarText("SELECT pg_current_wal_insert_lsn()")
    }

    /// Ends a census started at `startLSN`, over `messages` messages.
    func endCensus(startLSN: String, messages: Int) async -> PipelineCensus {
        var census = PipelineCensus(messages: messages)
        if let out = await scalarText(
            "SELECT calls || E'\\t' || regexp_replace(query, '\\s+', ' ', 'g') FROM pg_stat_statements WHERE calls > 0 AND query NOT LIKE '%pg_stat_statements%'"
        ) {
            census.statements = out.split(separator: "\n").compactMap { line in
                let parts = line.split(separator: "\t", maxSplits: 1)
                guard parts.count == 2, let calls = Int(parts[0]) else { return nil }
                return PipelineCensus.Statement(calls: calls, query: String(parts[1]))
            }
        }
        let env = ProcessInfo.processInfo.environment
        if let bindir = env["FCB_TEST_POSTGRES_BINDIR"], let datadir = env["FCB_TEST_POSTGRES_DATADIR"],
            let endLSN = await scalarText("SELECT pg_current_wal_flush_lsn()"),
            let out = await runCommandDetached(
                bindir + "/pg_waldump", ["-p", datadir + "/pg_wal", "-s", startLSN, "-e", endLSN, "-r", "Transaction", "--stats=record"])
        {
            // "Transaction/COMMIT   1234 ( ...": the count of commit records.
            for line in out.split(separator: "\n") where line.hasPrefix("Transaction/COMMIT ") {
                census.commitRecords =
                    (census.commitRecords ?? 0) + (Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0)
            }
        }
        return census
    }

    func scalarText(_ sql: String) async -> String? {
        guard let psql = which("psql"), let out = await runCommandDetached(psql, ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", url, "-c", sql]) else {
            return nil
        }
        return out.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
