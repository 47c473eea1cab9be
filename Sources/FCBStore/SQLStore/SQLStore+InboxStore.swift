import FlowEngine
import Foundation

extension SQLStore {
    /// One multi-row INSERT: a single statement is atomic on both backends, so the ack path
    /// costs one round trip and one commit, like a bare `INSERT … COMMIT`.
    package func enqueue(_ items: [NewInboxItem], receivedAt: Date, requestId: String?) async throws(StoreError) -> [Int64?] {
        try await enqueue(deliveries: [InboxDelivery(items: items, receivedAt: receivedAt, requestId: requestId)]).first ?? []
    }

    /// Every delivery's items in one multi-row INSERT (one statement, one commit).
    package func enqueue(deliveries: [InboxDelivery]) async throws(StoreError) -> [[Int64?]] {
        let all = deliveries.flatMap { delivery in delivery.items.map { (item: $0, delivery: delivery) } }
        guard !all.isEmpty else { return deliveries.map { _ in [] } }
        let values = Self.list(all) { entry in
            let (item, delivery) = entry
            return """
                (\(delivery.receivedAt), \(delivery.requestId), \(item.kind.stored), \(item.dedupeKey), \(item.contactKey),
                    \(item.userId), \(item.payload), \(delivery.receivedAt))
                """
        }
        let rows = try await database.query(
            """
            INSERT INTO \(table: .inbox) (received_at, request_id, kind, dedupe_key, contact_key, user_id, payload, available_at)
            VALUES \(fragment: values)
            ON CONFLICT (dedupe_key) DO NOTHING
            RETURNING id, dedupe_key
            """)
        // Rows come back in VALUES order, skipping duplicates: keyed items are matched by key,
        // unkeyed ones (always inserted) by position among the unkeyed rows.
        var byKey: [String: Int64] = [:]
        var unkeyed: [Int64] = []
        for row in rows {
            let id = Int64(try row.int("id"))
            if let key = try row.optionalString("dedupe_key") { byKey[key] = id } else { unkeyed.append(id) }
        }
        var nextUnkeyed = unkeyed.makeIterator()
        var seenKeys = Set<String>()
        return deliveries.map { delivery in
            delivery.items.map { item in
                guard let key = item.dedupeKey else { return nextUnkeyed.next() }
                // The same key twice: the first occurrence is the one stored.
                return seenKeys.insert(key).inserted ? byKey[key] : nil
            }
        }
    }

    /// On PostgreSQL the claim's commit does not wait for the WAL flush
    /// (docs/serve.md#units-of-work): a claim lost in a server crash only makes the worker's
    /// later commits fail their lease check, and the first of those that is durable flushes the
    /// WAL up to it anyway. A lone message then waits for four flushes (the ack, three steps),
    /// not five.
    package func claim(limit: Int, worker: String, now: Date, lease: Duration) async throws(StoreError) -> [InboxItem] {
        let statement = claimStatement(limit: limit, worker: worker, now: now, lease: lease)
        let rows: [SQLRow]
        if database.dialect == .postgres {
            rows = try await database.transaction { db async throws(StoreError) -> [SQLRow] in
                try await db.query("SET LOCAL synchronous_commit = off")
                return try await db.query(statement)
            }
        } else {
            rows = try await database.query(statement)  // one statement, atomic by itself
        }
        // A row that cannot be read (a payload edited by hand, a column of the wrong type) is
        // parked with the reason instead of being claimed again after every lease.
        var items: [InboxItem] = []
        for row in rows {
            do {
                items.append(try InboxItem(row: row))
            } catch {
                let id = Int64(try row.int("id"))
                _ = try await park(
                    id: id, worker: worker, error: "the stored item cannot be read (\(error.message)); fix or delete it, then replay it", at: now)
            }
        }
        return items.sorted { $0.id < $1.id }
    }

    /// The claim: a row is a candidate when it is due (or its lease expired) and no earlier row
    /// of the same contact is still unfinished; PostgreSQL skips rows another worker is
    /// claiming. Only the partial indexes over unfinished items are read, so the cost does not
    /// grow with finished rows (the retention test EXPLAINs this very statement).
    package func claimStatement(limit: Int, worker: String, now: Date, lease: Duration) -> SQLQuery {
        let until = now.addingTimeInterval(lease.timeInterval)
        let lock: SQLQuery = database.dialect == .postgres ? "FOR UPDATE SKIP LOCKED" : ""
        return """
            UPDATE \(table: .inbox) SET state = 'processing', locked_by = \(worker), locked_until = \(until),
                attempts = attempts + 1
            WHERE id IN (
                SELECT i.id FROM \(table: .inbox) i
                WHERE ((i.state = 'pending' AND i.available_at <= \(now))
                       OR (i.state = 'processing' AND i.locked_until < \(now)))
                  AND NOT EXISTS (
                      SELECT 1 FROM \(table: .inbox) e
                      WHERE e.contact_key = i.contact_key AND e.id < i.id AND e.state IN ('pending', 'processing'))
                ORDER BY i.id
                LIMIT \(limit)
                \(fragment: lock))
            RETURNING *
            """
    }

    package func complete(id: Int64, worker: String, at: Date) async throws(StoreError) -> Bool {
        try await finish(id: id, worker: worker, fragment: "state = 'done', finished_at = \(at), locked_by = NULL, locked_until = NULL")
    }

    package func retry(id: Int64, worker: String, error: String, availableAt: Date) async throws(StoreError) -> Bool {
        try await finish(
            id: id, worker: worker,
            fragment: "state = 'pending', available_at = \(availableAt), last_error = \(error), locked_by = NULL, locked_until = NULL")
    }

    package func park(id: Int64, worker: String, error: String, at: Date) async throws(StoreError) -> Bool {
        try await finish(
            id: id, worker: worker,
            fragment: "state = 'parked', finished_at = \(at), last_error = \(error), locked_by = NULL, locked_until = NULL")
    }

    /// Applies `fragment` to an item `worker` holds the lease of; false otherwise.
    func finish(id: Int64, worker: String, fragment: SQLQuery) async throws(StoreError) -> Bool {
        let rows = try await database.query(
            """
            UPDATE \(table: .inbox) SET \(fragment: fragment)
            WHERE id = \(id) AND state = 'processing' AND locked_by = \(worker)
            RETURNING id
            """)
        return !rows.isEmpty
    }

    package func inboxItem(id: Int64) async throws(StoreError) -> InboxItem? {
        try await database.first("SELECT * FROM \(table: .inbox) WHERE id = \(id)").map { row throws(StoreError) in try InboxItem(row: row) }
    }

    package func inboxCounts() async throws(StoreError) -> [InboxState: Int] {
        var counts: [InboxState: Int] = [:]
        for row in try await database.query("SELECT state, count(*) AS n FROM \(table: .inbox) GROUP BY state") {
            if let state = InboxState(rawValue: try row.string("state")) { counts[state] = try row.int("n") }
        }
        return counts
    }
}
