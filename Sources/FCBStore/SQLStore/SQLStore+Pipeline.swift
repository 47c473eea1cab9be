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

    /// One pass over the table: counts and the oldest unfinished arrival per state.
    package func inboxStats() async throws(StoreError) -> InboxStats {
        var counts: [InboxState: Int] = [:]
        var oldest: Date?
        let rows = try await database.query(
            "SELECT state, count(*) AS n, min(received_at) AS oldest FROM \(table: .inbox) GROUP BY state")
        for row in rows {
            guard let state = InboxState(rawValue: try row.string("state")) else { continue }
            counts[state] = try row.int("n")
            if state == .pending || state == .processing, let date = try row.optionalDate("oldest") {
                oldest = min(oldest ?? date, date)
            }
        }
        return InboxStats(counts: counts, oldestUnfinishedAt: oldest)
    }
}
