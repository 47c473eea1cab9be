import FCBStore
import FCBTesting
import FlowEngine
import Foundation
import Testing

/// A busy instance keeps days of finished items (docs/serve.md#retention): the claim and the
/// inbox metrics must not read them. Checked on PostgreSQL with a million done rows by the
/// buffers each statement touches (EXPLAIN ANALYZE BUFFERS), not by timing. Runs when
/// FCB_SCALE_TESTS=1: scripts/test runs it on its own after the parallel suite, whose other
/// databases it would starve of I/O.
@Suite("Inbox at scale: claim and metrics read only unfinished items")
struct InboxRetentionScaleTests {
    @Test(.enabled(if: PostgresTestSupport.isAvailable && ProcessInfo.processInfo.environment["FCB_SCALE_TESTS"] == "1"))
    func aMillionFinishedRowsAreNeverRead() async throws {
        try await withStore(.postgres) { store in
            guard let sql = store as? SQLStore else { return }
            let now = Date()
            // A million done items, finished over the last 23 days (100,000 per statement: each
            // stays well inside the store's 10 s deadline).
            for chunk in 0..<10 {
                let first = chunk * 100_000 + 1
                try await sql.database.query(
                    """
                    INSERT INTO fcb.inbox (received_at, kind, dedupe_key, contact_key, payload, state, available_at, finished_at, attempts)
                    SELECT \(now) - (g * interval '2 seconds'), 'message', 'done-' || g, 'contact:t:' || (g % 5000), '{}'::jsonb, 'done',
                        \(now) - (g * interval '2 seconds'), \(now) - (g * interval '2 seconds'), 1
                    FROM generate_series(\(first), \(first + 99_999)) AS g
                    """)
            }
            let due = try await store.enqueue(
                [
                    NewInboxItem(kind: .message, dedupeKey: "new-1", contactKey: "contact:t:a", payload: [:]),
                    NewInboxItem(kind: .message, dedupeKey: "new-2", contactKey: "contact:t:b", payload: [:]),
                ], receivedAt: now, requestId: nil)
            try await sql.database.query("VACUUM ANALYZE fcb.inbox")
            let tablePages = try await sql.database.first("SELECT pg_relation_size('fcb.inbox') / 8192 AS pages")?.int("pages") ?? 0
            #expect(tablePages > 10_000, "the table should be large (\(tablePages) pages)")

            // Each statement, run for real inside a transaction that is rolled back.
            let statements =
                [("claim", sql.claimStatement(limit: 16, worker: "w", now: now.addingTimeInterval(1), lease: .seconds(30)))]
                + sql.inboxStatsStatements().enumerated().map { ("inbox stats #\($0.offset + 1)", $0.element) }
            for (name, statement) in statements {
                let pages = try await Self.buffersTouched(statement, on: sql)
                #expect(pages < 100, "\(name) touched \(pages) pages of a \(tablePages)-page table")
            }
            #expect(try await store.claim(limit: 16, worker: "w", now: now.addingTimeInterval(1), lease: .seconds(30)).map(\.id) == due.compactMap { $0 })

            // Retention deletes the oldest first, in bounded statements.
            let cutoff = now.addingTimeInterval(-7 * 86_400)
            let older = try await sql.database.first("SELECT count(*) AS n FROM fcb.inbox WHERE state = 'done' AND finished_at < \(cutoff)")?.int("n") ?? 0
            var deleted = 0
            for _ in 0..<100 {
                let batch = try await store.pruneFinished(before: cutoff, limit: 100_000)
                deleted += batch
                if batch < 100_000 { break }
            }
            #expect(deleted == older && older > 600_000, "deleted \(deleted) of \(older)")
            #expect(try await sql.database.first("SELECT count(*) AS n FROM fcb.inbox WHERE finished_at < \(cutoff)")?.int("n") == 0)
        }
    }

    /// Shared buffers (hit + read) the statement's plan touched. The statement runs for real
    /// inside a transaction rolled back by throwing the plan out of it.
    static func buffersTouched(_ statement: SQLQuery, on store: SQLStore) async throws -> Int {
        let planText: String
        do {
            try await store.database.transaction { db async throws(StoreError) -> Void in
                let rows = try await db.query("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) \(fragment: statement)")
                throw StoreError(.invalid, try rows.first?.string("QUERY PLAN") ?? "[]")
            }
            return -1
        } catch {
            planText = error.message
        }
        let top = try JSONValue(parsing: planText).arrayValue?.first?["Plan"]
        return Int((top?["Shared Hit Blocks"]?.numberValue ?? 0) + (top?["Shared Read Blocks"]?.numberValue ?? 0))
    }
}
