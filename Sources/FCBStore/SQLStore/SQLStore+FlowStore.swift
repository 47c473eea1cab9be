import FlowEngine
import Foundation

extension SQLStore {
    // MARK: Sessions

    package func session(id: String) async throws(StoreError) -> SessionRecord? {
        try await database.first(#"SELECT * FROM "Session" WHERE "id" = \#(id)"#).map { row throws(StoreError) in try SessionRecord(row: row) }
    }

    package func openSession(contactId: String) async throws(StoreError) -> SessionRecord? {
        try await database.first(
            #"""
            SELECT * FROM "Session" WHERE "contactId" = \#(contactId) AND "status" IN ('Active', 'Paused')
            ORDER BY "updatedAt" DESC, "id" DESC LIMIT 1
            """#
        ).map { row throws(StoreError) in try SessionRecord(row: row) }
    }

    package func session(contactId: String, flowId: String) async throws(StoreError) -> SessionRecord? {
        try await database.first(#"SELECT * FROM "Session" WHERE "contactId" = \#(contactId) AND "flowId" = \#(flowId)"#)
            .map { row throws(StoreError) in try SessionRecord(row: row) }
    }

    package func sessions(contactId: String) async throws(StoreError) -> [SessionRecord] {
        try await database.query(#"SELECT * FROM "Session" WHERE "contactId" = \#(contactId) ORDER BY "createdAt", "id""#)
            .decoded { row throws(StoreError) in try SessionRecord(row: row) }
    }

    package func createSession(_ s: SessionRecord) async throws(StoreError) {
        try await database.query(
            #"""
            INSERT INTO "Session" ("id", "status", "currentNodeId", "context", "createdAt", "updatedAt", "contactId", "flowId")
            VALUES (\#(s.id), \#(s.status), \#(s.currentNodeId), \#(s.context), \#(s.createdAt), \#(s.updatedAt), \#(s.contactId), \#(s.flowId))
            """#)
    }

    package func updateSession(id: String, _ patch: SessionPatch, at: Date) async throws(StoreError) {
        var assignments: SQLQuery = #""updatedAt" = \#(at)"#
        if let status = patch.status { assignments = #"\#(fragment: assignments), "status" = \#(status.rawValue)"# }
        if let node = patch.currentNodeId { assignments = #"\#(fragment: assignments), "currentNodeId" = \#(node)"# }
        if let context = patch.context { assignments = #"\#(fragment: assignments), "context" = \#(context)"# }
        let updated = try await database.query(#"UPDATE "Session" SET \#(fragment: assignments) WHERE "id" = \#(id) RETURNING "id""#)
        if updated.isEmpty { throw StoreError(.notFound, "session \(id) not found") }
    }

    // MARK: Messages

    package func insertMessage(_ m: MessageRecord) async throws(StoreError) {
        try await database.query(
            #"""
            INSERT INTO "Message" ("id", "waMessageId", "direction", "type", "content", "payload", "status", "error",
                "statusUpdatedAt", "createdAt", "contactId", "userId", "sessionId")
            VALUES (\#(m.id), \#(m.waMessageId), \#(m.direction), \#(m.type), \#(m.content), \#(m.payload), \#(m.status),
                \#(m.error), \#(m.statusUpdatedAt), \#(m.createdAt), \#(m.contactId), \#(m.userId), \#(m.sessionId))
            """#)
    }

    package func messages(contactId: String) async throws(StoreError) -> [MessageRecord] {
        try await database.query(#"SELECT * FROM "Message" WHERE "contactId" = \#(contactId) ORDER BY "createdAt", "id""#)
            .decoded { row throws(StoreError) in try MessageRecord(row: row) }
    }

    // MARK: Contacts

    package func contact(id: String) async throws(StoreError) -> ContactRecord? {
        try await database.first(#"SELECT * FROM "Contact" WHERE "id" = \#(id)"#).map { row throws(StoreError) in try ContactRecord(row: row) }
    }

    package func contact(phone: String) async throws(StoreError) -> ContactRecord? {
        try await database.first(#"SELECT * FROM "Contact" WHERE "phone" = \#(phone)"#)
            .map { row throws(StoreError) in try ContactRecord(row: row) }
    }

    package func insertContact(_ c: ContactRecord) async throws(StoreError) {
        try await database.query(
            #"""
            INSERT INTO "Contact" ("id", "phone", "name", "notes", "createdAt", "updatedAt", "userId")
            VALUES (\#(c.id), \#(c.phone), \#(c.name), \#(c.notes), \#(c.createdAt), \#(c.updatedAt), \#(c.userId))
            """#)
    }

    // MARK: Flows

    package func flow(id: String) async throws(StoreError) -> FlowRecord? {
        try await database.first(#"SELECT * FROM "Flow" WHERE "id" = \#(id)"#).map { row throws(StoreError) in try FlowRecord(row: row) }
    }

    package func activeFlows(userId: String) async throws(StoreError) -> [FlowRecord] {
        try await database.query(
            #"SELECT * FROM "Flow" WHERE "userId" = \#(userId) AND "status" = 'Active' ORDER BY "updatedAt" DESC, "id" DESC"#
        ).decoded { row throws(StoreError) in try FlowRecord(row: row) }
    }

    /// Inserts the flow, or replaces the columns fcb knows of an existing one (the dashboard's
    /// other `Flow` columns are left as they are).
    package func saveFlow(_ f: FlowRecord) async throws(StoreError) {
        try await database.query(
            #"""
            INSERT INTO "Flow" ("id", "name", "trigger", "status", "definition", "channel", "createdAt", "updatedAt",
                "metaFlowId", "metaFlowToken", "metaFlowVersion", "userId")
            VALUES (\#(f.id), \#(f.name), \#(f.trigger), \#(f.status), \#(f.definition), \#(f.channel ?? "whatsapp"), \#(f.createdAt),
                \#(f.updatedAt), \#(f.metaFlowId), \#(f.metaFlowToken), \#(f.metaFlowVersion), \#(f.userId))
            ON CONFLICT ("id") DO UPDATE SET "name" = excluded."name", "trigger" = excluded."trigger",
                "status" = excluded."status", "definition" = excluded."definition", "channel" = excluded."channel",
                "updatedAt" = excluded."updatedAt", "metaFlowId" = excluded."metaFlowId",
                "metaFlowToken" = excluded."metaFlowToken", "metaFlowVersion" = excluded."metaFlowVersion",
                "userId" = excluded."userId"
            """#)
    }

    // MARK: Logs

    package func insertLog(_ l: LogRecord) async throws(StoreError) {
        try await database.query(
            #"""
            INSERT INTO "Log" ("id", "status", "context", "createdAt", "updatedAt", "contactId", "flowId")
            VALUES (\#(l.id), \#(l.status), \#(l.context), \#(l.createdAt), \#(l.updatedAt), \#(l.contactId), \#(l.flowId))
            """#)
    }

    package func logs(contactId: String) async throws(StoreError) -> [LogRecord] {
        try await database.query(#"SELECT * FROM "Log" WHERE "contactId" = \#(contactId) ORDER BY "createdAt", "id""#)
            .decoded { row throws(StoreError) in try LogRecord(row: row) }
    }
}
