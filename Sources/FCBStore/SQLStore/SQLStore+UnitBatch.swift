import FlowEngine
import Foundation

/// Multi-row statements for the group commit (docs/serve.md#group-commit). `VALUES` lists name
/// their columns `column1`, `column2`, … on PostgreSQL and SQLite alike.
extension SQLStore: UnitBatchStore {
    package func saveProgress(_ entries: [(id: Int64, progress: JSONValue?)], worker: String) async throws(StoreError) -> Set<Int64> {
        guard !entries.isEmpty else { return [] }
        let values = Self.list(entries) { entry in "(\(entry.id), \(entry.progress))" }
        // All-NULL VALUES columns are text to PostgreSQL.
        let asJSON: SQLQuery = database.dialect == .postgres ? "::jsonb" : ""
        let rows = try await database.query(
            """
            UPDATE \(table: .inbox) SET progress = v.column2\(fragment: asJSON)
            FROM (VALUES \(fragment: values)) AS v
            WHERE \(table: .inbox).id = v.column1 AND \(table: .inbox).state = 'processing' AND \(table: .inbox).locked_by = \(worker)
            RETURNING \(table: .inbox).id
            """)
        return try Self.ids(rows)
    }

    /// A completion whose commit PostgreSQL made but whose answer was lost (a restart between the
    /// two) is found done at the same instant when the commit is tried again: that is success.
    package func complete(_ entries: [(id: Int64, at: Date)], worker: String) async throws(StoreError) -> Set<Int64> {
        guard !entries.isEmpty else { return [] }
        let values = Self.list(entries) { entry in "(\(entry.id), \(entry.at))" }
        let rows = try await database.query(
            """
            UPDATE \(table: .inbox) SET state = 'done', finished_at = v.column2, locked_by = NULL, locked_until = NULL
            FROM (VALUES \(fragment: values)) AS v
            WHERE \(table: .inbox).id = v.column1
                AND ((\(table: .inbox).state = 'processing' AND \(table: .inbox).locked_by = \(worker))
                    OR (\(table: .inbox).state = 'done' AND \(table: .inbox).finished_at = v.column2))
            RETURNING \(table: .inbox).id
            """)
        return try Self.ids(rows)
    }

    /// A session already there under the same id, contact and flow is one this commit's earlier
    /// attempt stored (PostgreSQL committed it, the answer was lost): success, not a conflict.
    package func createSessions(_ sessions: [SessionRecord]) async throws(StoreError) {
        guard !sessions.isEmpty else { return }
        let values = Self.list(sessions) { s in
            #"(\#(s.id), \#(s.status), \#(s.currentNodeId), \#(s.context), \#(s.createdAt), \#(s.updatedAt), \#(s.contactId), \#(s.flowId))"#
        }
        let rows = try await database.query(
            #"""
            INSERT INTO "Session" ("id", "status", "currentNodeId", "context", "createdAt", "updatedAt", "contactId", "flowId")
            VALUES \#(fragment: values)
            ON CONFLICT ("id") DO NOTHING
            RETURNING "id"
            """#)
        let inserted = Set(try rows.map { row throws(StoreError) in try row.string("id") })
        let existing = sessions.filter { !inserted.contains($0.id) }
        guard !existing.isEmpty else { return }
        let ids = Self.list(existing) { s in "\(s.id)" }
        let found = try await database.query(#"SELECT "id", "contactId", "flowId" FROM "Session" WHERE "id" IN (\#(fragment: ids))"#)
        var owners: [String: (String, String)] = [:]
        for row in found { owners[try row.string("id")] = (try row.string("contactId"), try row.string("flowId")) }
        for session in existing where owners[session.id].map({ $0 != (session.contactId, session.flowId) }) ?? true {
            throw StoreError(.conflict, "Unique constraint failed on Session_pkey (session \(session.id) belongs to another conversation)")
        }
    }

    /// One UPDATE per shape of patch (which fields it sets): a field no patch sets is left as it is.
    package func updateSessions(_ updates: [SessionUpdate]) async throws(StoreError) {
        var shapes: [[Bool]: [SessionUpdate]] = [:]
        var order: [[Bool]] = []
        for update in updates {
            let shape = [update.patch.status != nil, update.patch.currentNodeId != nil, update.patch.context != nil]
            if shapes[shape] == nil { order.append(shape) }
            shapes[shape, default: []].append(update)
        }
        for shape in order {
            guard let group = shapes[shape] else { continue }
            if group.count == 1, let only = group.first {
                try await updateSession(id: only.id, only.patch, at: only.at)
                continue
            }
            var assignments: SQLQuery = #""updatedAt" = v.column2"#
            var column = 3
            for (index, name) in ["status", "currentNodeId", "context"].enumerated() where shape[index] {
                assignments =
                    #"\#(fragment: assignments), "\#(fragment: SQLQuery(unsafeSQL: name))" = v.column\#(fragment: SQLQuery(unsafeSQL: String(column)))"#
                column += 1
            }
            let values = Self.list(group) { update in
                var row: SQLQuery = "\(update.id), \(update.at)"
                if let status = update.patch.status { row = "\(fragment: row), \(status.rawValue)" }
                if let node = update.patch.currentNodeId { row = "\(fragment: row), \(node)" }
                if let context = update.patch.context { row = "\(fragment: row), \(context)" }
                return "(\(fragment: row))"
            }
            let rows = try await database.query(
                #"""
                UPDATE "Session" SET \#(fragment: assignments)
                FROM (VALUES \#(fragment: values)) AS v
                WHERE "Session"."id" = v.column1
                RETURNING "Session"."id"
                """#)
            if rows.count < group.count {
                let found = Set(try rows.map { row throws(StoreError) in try row.string("id") })
                let missing = group.first { !found.contains($0.id) }?.id ?? "?"
                throw StoreError(.notFound, "session \(missing) not found")
            }
        }
    }

    package func insertMessagesIfAbsent(_ messages: [MessageRecord]) async throws(StoreError) -> Set<String> {
        guard !messages.isEmpty else { return [] }
        let values = Self.list(messages) { m in
            #"""
            (\#(m.id), \#(m.waMessageId), \#(m.direction), \#(m.type), \#(m.content), \#(m.payload), \#(m.status),
                \#(m.error), \#(m.statusUpdatedAt), \#(m.createdAt), \#(m.contactId), \#(m.userId), \#(m.sessionId))
            """#
        }
        let rows = try await database.query(
            #"""
            INSERT INTO "Message" ("id", "waMessageId", "direction", "type", "content", "payload", "status", "error",
                "statusUpdatedAt", "createdAt", "contactId", "userId", "sessionId")
            VALUES \#(fragment: values)
            ON CONFLICT DO NOTHING
            RETURNING "id"
            """#)
        return Set(try rows.map { row throws(StoreError) in try row.string("id") })
    }

    package func insertLogsIfAbsent(_ logs: [LogRecord]) async throws(StoreError) {
        guard !logs.isEmpty else { return }
        let values = Self.list(logs) { l in
            #"(\#(l.id), \#(l.status), \#(l.context), \#(l.createdAt), \#(l.updatedAt), \#(l.contactId), \#(l.flowId))"#
        }
        try await database.query(
            #"""
            INSERT INTO "Log" ("id", "status", "context", "createdAt", "updatedAt", "contactId", "flowId")
            VALUES \#(fragment: values)
            ON CONFLICT ("id") DO NOTHING
            """#)
    }

    /// The advisory locks of every id in one statement (in id order, so two batches never wait
    /// on each other in a cycle), then every kept status in one read; only ids with kept
    /// statuses do more.
    package func applyPendingStatuses(waMessageIds: [String]) async throws(StoreError) -> [String: [StatusApplication]] {
        let ids = Array(Set(waMessageIds)).sorted()
        guard !ids.isEmpty else { return [:] }
        return try await database.transaction { (db: any SQLExecutor) async throws(StoreError) -> [String: [StatusApplication]] in
            let list = Self.list(ids) { id in "(\(id))" }
            if db.dialect == .postgres {
                try await db.query(
                    """
                    SELECT pg_advisory_xact_lock(\(Self.statusLockNamespace)::int4, hashtext(v.column1))
                    FROM (VALUES \(fragment: list)) AS v ORDER BY v.column1
                    """)
            }
            let names = Self.list(ids) { id in "\(id)" }
            let kept = try await db.query("SELECT * FROM \(table: .pendingStatus) WHERE wa_message_id IN (\(fragment: names)) ORDER BY id")
                .decoded { row throws(StoreError) in try KeptStatus(row: row) }
            var applied: [String: [StatusApplication]] = [:]
            for status in kept.sorted(by: KeptStatus.applyOrder) {
                guard let result = try await Self.apply(status.update, userId: status.userId, on: db) else { continue }
                try await db.query("DELETE FROM \(table: .pendingStatus) WHERE id = \(status.id)")
                applied[status.update.waMessageId, default: []].append(result)
            }
            return applied
        }
    }

    /// `a, b, c` from one fragment per element.
    static func list<Element>(_ elements: [Element], _ fragment: (Element) -> SQLQuery) -> SQLQuery {
        var joined: SQLQuery = ""
        for (index, element) in elements.enumerated() {
            joined = index == 0 ? fragment(element) : "\(fragment: joined), \(fragment: fragment(element))"
        }
        return joined
    }

    static func ids(_ rows: [SQLRow]) throws(StoreError) -> Set<Int64> {
        Set(try rows.map { row throws(StoreError) in Int64(try row.int("id")) })
    }
}
