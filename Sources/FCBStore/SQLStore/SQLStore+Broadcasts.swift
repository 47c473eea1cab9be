import FlowEngine

extension SQLStore: BroadcastStore {
    package func insertBroadcast(_ b: BroadcastRecord) async throws(StoreError) {
        try await database.query(
            #"""
            INSERT INTO "Broadcast" ("id", "title", "body", "filterTag", "status", "totalRecipients", "successCount", "failureCount",
                "createdAt", "updatedAt", "userId", "flowId")
            VALUES (\#(b.id), \#(b.title), \#(b.body), \#(b.filterTag), \#(b.status), \#(b.totalRecipients), \#(b.successCount),
                \#(b.failureCount), \#(b.createdAt), \#(b.updatedAt), \#(b.userId), \#(b.flowId))
            """#)
    }

    package func insertBroadcastRecipient(_ r: BroadcastRecipientRecord) async throws(StoreError) {
        try await database.query(
            #"""
            INSERT INTO "BroadcastRecipient" ("id", "status", "error", "messageId", "conversationId", "statusUpdatedAt", "sentAt",
                "createdAt", "broadcastId", "contactId")
            VALUES (\#(r.id), \#(r.status), \#(r.error), \#(r.messageId), \#(r.conversationId), \#(r.statusUpdatedAt), \#(r.sentAt),
                \#(r.createdAt), \#(r.broadcastId), \#(r.contactId))
            """#)
    }

    package func broadcast(id: String) async throws(StoreError) -> BroadcastRecord? {
        try await database.first(#"SELECT * FROM "Broadcast" WHERE "id" = \#(id)"#).map { row throws(StoreError) in try BroadcastRecord(row: row) }
    }

    package func broadcastRecipients(broadcastId: String) async throws(StoreError) -> [BroadcastRecipientRecord] {
        try await database.query(#"SELECT * FROM "BroadcastRecipient" WHERE "broadcastId" = \#(broadcastId) ORDER BY "createdAt", "id""#)
            .decoded { row throws(StoreError) in try BroadcastRecipientRecord(row: row) }
    }
}
