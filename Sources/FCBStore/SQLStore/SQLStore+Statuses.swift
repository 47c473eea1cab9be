import FlowEngine
import Foundation

/// Delivery statuses (docs/compatibility.md#delivery-statuses) on the Message row, the tenant's
/// broadcast recipients and their Broadcast's aggregates, each status in one transaction. On PostgreSQL
/// a transaction-scoped advisory lock per WhatsApp message id makes concurrent statuses of one
/// message take turns, and closes the gap between "no row yet, keep the status" and
/// ``applyPendingStatuses(waMessageId:)`` run by whoever inserts the row.
extension SQLStore {
    package func applyStatus(_ update: DeliveryStatusUpdate, userId: String) async throws(StoreError) -> StatusApplication {
        try await database.transaction { (db: any SQLExecutor) async throws(StoreError) -> StatusApplication in
            try await Self.lockStatuses(of: update.waMessageId, on: db)
            if let applied = try await Self.apply(update, userId: userId, on: db) { return applied }
            try await db.query(
                """
                INSERT INTO \(table: .pendingStatus)
                    (wa_message_id, user_id, status, status_timestamp, error, conversation_id, received_at)
                VALUES (\(update.waMessageId), \(userId), \(update.status), \(update.timestamp), \(update.error),
                    \(update.conversationId), \(Date()))
                """)
            return StatusApplication(deferred: true)
        }
    }

    package func applyPendingStatuses(waMessageId: String) async throws(StoreError) -> [StatusApplication] {
        try await database.transaction { (db: any SQLExecutor) async throws(StoreError) -> [StatusApplication] in
            try await Self.lockStatuses(of: waMessageId, on: db)
            let kept = try await db.query("SELECT * FROM \(table: .pendingStatus) WHERE wa_message_id = \(waMessageId) ORDER BY id")
                .decoded { row throws(StoreError) in try KeptStatus(row: row) }
            var applied: [StatusApplication] = []
            for status in kept.sorted(by: KeptStatus.applyOrder) {
                // Still nothing to apply it to (for the tenant it came with): it stays kept.
                guard let result = try await Self.apply(status.update, userId: status.userId, on: db) else { continue }
                try await db.query("DELETE FROM \(table: .pendingStatus) WHERE id = \(status.id)")
                applied.append(result)
            }
            return applied
        }
    }

    /// "fcbs" as the first key of the two-key advisory lock space (apart from the one-key
    /// space the schema installer locks).
    static let statusLockNamespace: Int = 0x6663_6273

    static func lockStatuses(of waMessageId: String, on db: any SQLExecutor) async throws(StoreError) {
        guard db.dialect == .postgres else { return }  // SQLite transactions already run one at a time
        try await db.query("SELECT pg_advisory_xact_lock(\(statusLockNamespace)::int4, hashtext(\(waMessageId)))")
    }

    /// Applies `update` to whatever carries its id for `userId`; nil when nothing does.
    static func apply(_ update: DeliveryStatusUpdate, userId: String, on db: any SQLExecutor) async throws(StoreError) -> StatusApplication? {
        let lock: SQLQuery = db.dialect == .postgres ? "FOR UPDATE" : ""
        let message = try await db.first(
            #"SELECT * FROM "Message" WHERE "waMessageId" = \#(update.waMessageId) AND "userId" = \#(userId) \#(fragment: lock)"#
        ).map { row throws(StoreError) in try MessageRecord(row: row) }
        let recipientLock: SQLQuery = db.dialect == .postgres ? #"FOR UPDATE OF r"# : ""
        let recipients = try await db.query(
            #"""
            SELECT r."id", r."status", r."broadcastId" FROM "BroadcastRecipient" r
            JOIN "Broadcast" b ON b."id" = r."broadcastId"
            WHERE r."messageId" = \#(update.waMessageId) AND b."userId" = \#(userId)
            ORDER BY r."id" \#(fragment: recipientLock)
            """#)
        guard message != nil || !recipients.isEmpty else { return nil }

        let error = DeliveryStatusRule.error(for: update.status, update.error)
        var result = StatusApplication()
        if let message, DeliveryStatusRule.replaces(message.status, with: update.status) {
            result.updatedMessage = try await db.first(
                #"""
                UPDATE "Message" SET "status" = \#(update.status), "statusUpdatedAt" = \#(update.timestamp), "error" = \#(error)
                WHERE "id" = \#(message.id) RETURNING *
                """#
            ).map { row throws(StoreError) in try MessageRecord(row: row) }
        }
        for row in recipients {
            let (id, current, broadcastId) = (try row.string("id"), try row.string("status"), try row.string("broadcastId"))
            guard DeliveryStatusRule.replaces(current, with: update.status) else { continue }
            var assignments: SQLQuery = #""status" = \#(update.status), "statusUpdatedAt" = \#(update.timestamp), "error" = \#(error)"#
            if let conversation = update.conversationId {
                assignments = #"\#(fragment: assignments), "conversationId" = \#(conversation)"#
            }
            try await db.query(#"UPDATE "BroadcastRecipient" SET \#(fragment: assignments) WHERE "id" = \#(id)"#)
            // Increments in the database: the dashboard and other instances write these counts too.
            let delta = DeliveryStatusRule.aggregateDeltas(from: current, to: update.status)
            try await db.query(
                #"""
                UPDATE "Broadcast" SET "successCount" = "successCount" + \#(delta.success),
                    "failureCount" = "failureCount" + \#(delta.failure), "updatedAt" = \#(update.timestamp)
                WHERE "id" = \#(broadcastId)
                """#)
            result.updatedRecipients += 1
        }
        return result
    }
}

extension KeptStatus {
    init(row: SQLRow) throws(StoreError) {
        self.init(
            id: Int64(try row.int("id")), userId: try row.string("user_id"),
            update: DeliveryStatusUpdate(
                waMessageId: try row.string("wa_message_id"), status: try row.string("status"),
                timestamp: try row.date("status_timestamp"), error: try row.optionalString("error"),
                conversationId: try row.optionalString("conversation_id")))
    }
}
