import FlowEngine
import Foundation

extension SQLStore: PipelineStore {
    // MARK: Contacts

    /// No transaction: every step is one atomic statement, and a lost INSERT race is
    /// `ON CONFLICT DO NOTHING` followed by a re-read, so PostgreSQL never aborts anything.
    /// `Contact_phone_key` is global, so the phone alone finds the row, whoever owns it.
    package func upsertContact(userId: String, phone: String, name: String?, newId: String, at: Date) async throws(StoreError) -> ContactUpsert {
        if let existing = try await contactRow(phone: phone) {
            return try await resolve(existing, userId: userId, name: name, at: at)
        }
        let inserted = try await database.first(
            #"""
            INSERT INTO "Contact" ("id", "phone", "name", "createdAt", "updatedAt", "userId")
            VALUES (\#(newId), \#(phone), \#(name), \#(at), \#(at), \#(userId))
            ON CONFLICT ("phone") DO NOTHING
            RETURNING *
            """#)
        if let inserted { return .created(try ContactRecord(row: inserted)) }
        // Another writer created the phone between our read and our insert.
        guard let winner = try await contactRow(phone: phone) else {
            throw StoreError(.conflict, "contact upsert raced with a delete of the same phone; retry")
        }
        return try await resolve(winner, userId: userId, name: name, at: at)
    }

    private func contactRow(phone: String) async throws(StoreError) -> ContactRecord? {
        try await database.first(#"SELECT * FROM "Contact" WHERE "phone" = \#(phone)"#).map { row throws(StoreError) in try ContactRecord(row: row) }
    }

    private func resolve(_ existing: ContactRecord, userId: String, name: String?, at: Date) async throws(StoreError) -> ContactUpsert {
        guard existing.userId == userId else { return .ownedByAnotherTenant(ownerUserId: existing.userId) }
        guard let name, !name.isEmpty, name != existing.name else { return .existing(existing) }
        let updated = try await database.first(
            #"UPDATE "Contact" SET "name" = \#(name), "updatedAt" = \#(at) WHERE "id" = \#(existing.id) RETURNING *"#)
        guard let updated else { throw StoreError(.conflict, "contact \(existing.id) was deleted during the upsert; retry") }
        return .existing(try ContactRecord(row: updated))
    }

    // MARK: Messages

    package func message(id: String) async throws(StoreError) -> MessageRecord? {
        try await database.first(#"SELECT * FROM "Message" WHERE "id" = \#(id)"#).map { row throws(StoreError) in try MessageRecord(row: row) }
    }

    package func message(waMessageId: String) async throws(StoreError) -> MessageRecord? {
        try await database.first(#"SELECT * FROM "Message" WHERE "waMessageId" = \#(waMessageId)"#)
            .map { row throws(StoreError) in try MessageRecord(row: row) }
    }

    package func insertMessageIfAbsent(_ m: MessageRecord) async throws(StoreError) -> Bool {
        let rows = try await database.query(
            #"""
            INSERT INTO "Message" ("id", "waMessageId", "direction", "type", "content", "payload", "status", "error",
                "statusUpdatedAt", "createdAt", "contactId", "userId", "sessionId")
            VALUES (\#(m.id), \#(m.waMessageId), \#(m.direction), \#(m.type), \#(m.content), \#(m.payload), \#(m.status),
                \#(m.error), \#(m.statusUpdatedAt), \#(m.createdAt), \#(m.contactId), \#(m.userId), \#(m.sessionId))
            ON CONFLICT DO NOTHING
            RETURNING "id"
            """#)
        return !rows.isEmpty
    }

    package func insertLogIfAbsent(_ l: LogRecord) async throws(StoreError) -> Bool {
        let rows = try await database.query(
            #"""
            INSERT INTO "Log" ("id", "status", "context", "createdAt", "updatedAt", "contactId", "flowId")
            VALUES (\#(l.id), \#(l.status), \#(l.context), \#(l.createdAt), \#(l.updatedAt), \#(l.contactId), \#(l.flowId))
            ON CONFLICT ("id") DO NOTHING
            RETURNING "id"
            """#)
        return !rows.isEmpty
    }

    // MARK: Units of work

    /// One BEGIN … COMMIT on one connection; the store handed to `body` runs every statement
    /// there (nested transactions join it).
    package func unitOfWork<T: Sendable>(
        _ body: @escaping @Sendable (any PipelineStore) async throws(StoreError) -> T
    ) async throws(StoreError) -> T {
        let name = database.displayName
        return try await database.transaction { executor async throws(StoreError) -> T in
            try await body(SQLStore(database: TransactionScope(executor: executor, displayName: name)))
        }
    }

    // MARK: Inbox journal, delays, parked items

    package func saveProgress(id: Int64, worker: String, progress: JSONValue?) async throws(StoreError) -> Bool {
        let rows = try await database.query(
            """
            UPDATE \(table: .inbox) SET progress = \(progress)
            WHERE id = \(id) AND state = 'processing' AND locked_by = \(worker)
            RETURNING id
            """)
        return !rows.isEmpty
    }

    /// Back to `pending` under its own id, so the claim query's "no earlier unfinished item of
    /// the contact" keeps the contact's later items waiting behind it.
    package func deferItem(id: Int64, worker: String, progress: JSONValue?, availableAt: Date) async throws(StoreError) -> Bool {
        try await finish(
            id: id, worker: worker,
            fragment: """
                state = 'pending', available_at = \(availableAt), progress = \(progress), attempts = 0,
                locked_by = NULL, locked_until = NULL
                """)
    }

    package func parkedItems(limit: Int) async throws(StoreError) -> [InboxItem] {
        try await database.query("SELECT * FROM \(table: .inbox) WHERE state = 'parked' ORDER BY id LIMIT \(max(limit, 0))")
            .decoded { row throws(StoreError) in try InboxItem(row: row) }
    }

    /// Keeps `last_error` (why it was parked) and `progress` (where it stopped).
    package func requeue(id: Int64, at: Date) async throws(StoreError) -> Bool {
        let rows = try await database.query(
            """
            UPDATE \(table: .inbox) SET state = 'pending', attempts = 0, available_at = \(at), finished_at = NULL
            WHERE id = \(id) AND state = 'parked'
            RETURNING id
            """)
        return !rows.isEmpty
    }

    /// Counts through the partial indexes over unfinished and parked items, so the cost does
    /// not grow with the finished rows (docs/serve.md#retention); done items are the planner's
    /// row estimate on PostgreSQL, counted on SQLite (its tables stay small).
    package func inboxStats() async throws(StoreError) -> InboxStats {
        var counts: [InboxState: Int] = [:]
        var oldest: Date?
        let statements = inboxStatsStatements()
        let unfinished = try await database.query(statements[0])
        for row in unfinished {
            guard let state = InboxState(rawValue: try row.string("state")) else { continue }
            counts[state] = try row.int("n")
            if let date = try row.optionalDate("oldest") { oldest = min(oldest ?? date, date) }
        }
        let parked = try await database.first(statements[1])?.int("n") ?? 0
        if parked > 0 { counts[.parked] = parked }
        var estimate = false
        let done: Int
        if database.dialect == .postgres {
            // reltuples: -1 before the first ANALYZE (autovacuum runs it as the table grows).
            let total = try await database.first("SELECT reltuples::bigint AS n FROM pg_class WHERE oid = 'fcb.inbox'::regclass")?.int("n") ?? 0
            done = max(0, total - counts.values.reduce(0, +))
            estimate = true
        } else {
            done = try await database.first("SELECT count(*) AS n FROM \(table: .inbox) WHERE state = 'done'")?.int("n") ?? 0
        }
        if done > 0 { counts[.done] = done }
        let oldestDone = try await database.first(statements[2])?.optionalDate("at")
        return InboxStats(counts: counts, oldestUnfinishedAt: oldest, doneIsEstimate: estimate, oldestDoneAt: oldestDone)
    }

    /// The statements ``inboxStats()`` runs whatever the dialect (the retention test EXPLAINs
    /// them): unfinished counts, parked count, oldest done item.
    package func inboxStatsStatements() -> [SQLQuery] {
        [
            "SELECT state, count(*) AS n, min(received_at) AS oldest FROM \(table: .inbox) WHERE state IN ('pending', 'processing') GROUP BY state",
            "SELECT count(*) AS n FROM \(table: .inbox) WHERE state = 'parked'",
            "SELECT min(finished_at) AS at FROM \(table: .inbox) WHERE state = 'done'",
        ]
    }

    package func pruneFinished(before: Date, limit: Int) async throws(StoreError) -> Int {
        let rows = try await database.query(
            """
            DELETE FROM \(table: .inbox) WHERE id IN (
                SELECT id FROM \(table: .inbox) WHERE state = 'done' AND finished_at < \(before) ORDER BY finished_at LIMIT \(max(1, limit)))
            RETURNING id
            """)
        return rows.count
    }

    package func pruneKeptStatuses(before: Date) async throws(StoreError) -> Int {
        try await database.query("DELETE FROM \(table: .pendingStatus) WHERE received_at < \(before) RETURNING id").count
    }

}
