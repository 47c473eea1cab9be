import FlowEngine

extension SessionRecord {
    init(row: SQLRow) throws(StoreError) {
        self.init(
            id: try row.string("id"), status: try row.string("status"), currentNodeId: try row.optionalString("currentNodeId"),
            context: try row.json("context"), createdAt: try row.date("createdAt"), updatedAt: try row.date("updatedAt"),
            contactId: try row.string("contactId"), flowId: try row.string("flowId"))
    }
}

extension MessageRecord {
    init(row: SQLRow) throws(StoreError) {
        self.init(
            id: try row.string("id"), waMessageId: try row.optionalString("waMessageId"), direction: try row.string("direction"),
            type: try row.string("type"), content: try row.optionalString("content"), payload: try row.json("payload"),
            status: try row.string("status"), error: try row.optionalString("error"),
            statusUpdatedAt: try row.optionalDate("statusUpdatedAt"), createdAt: try row.date("createdAt"),
            contactId: try row.string("contactId"), userId: try row.string("userId"), sessionId: try row.optionalString("sessionId"))
    }
}

extension ContactRecord {
    init(row: SQLRow) throws(StoreError) {
        self.init(
            id: try row.string("id"), phone: try row.string("phone"), name: try row.optionalString("name"),
            notes: try row.optionalString("notes"), createdAt: try row.date("createdAt"), updatedAt: try row.date("updatedAt"),
            userId: try row.string("userId"))
    }
}

extension FlowRecord {
    init(row: SQLRow) throws(StoreError) {
        self.init(
            id: try row.string("id"), name: try row.string("name"), trigger: try row.string("trigger"),
            status: try row.string("status"), definition: try row.json("definition"), channel: try row.optionalString("channel"),
            createdAt: try row.date("createdAt"), updatedAt: try row.date("updatedAt"),
            metaFlowId: try row.optionalString("metaFlowId"), metaFlowToken: try row.optionalString("metaFlowToken"),
            metaFlowVersion: try row.optionalString("metaFlowVersion"), userId: try row.string("userId"))
    }
}

extension LogRecord {
    init(row: SQLRow) throws(StoreError) {
        self.init(
            id: try row.string("id"), status: try row.string("status"), context: try row.json("context"),
            createdAt: try row.date("createdAt"), updatedAt: try row.date("updatedAt"), contactId: try row.string("contactId"),
            flowId: try row.string("flowId"))
    }
}

extension UserRecord {
    init(row: SQLRow) throws(StoreError) {
        self.init(
            id: try row.string("id"), email: try row.string("email"), password: try row.string("password"),
            name: try row.optionalString("name"), createdAt: try row.date("createdAt"), updatedAt: try row.date("updatedAt"),
            metaVerifyToken: try row.optionalString("metaVerifyToken"), metaAppSecret: try row.optionalString("metaAppSecret"),
            metaAccessToken: try row.optionalString("metaAccessToken"), metaPhoneNumberId: try row.optionalString("metaPhoneNumberId"),
            metaBusinessAccountId: try row.optionalString("metaBusinessAccountId"), metaPhonePin: try row.optionalString("metaPhonePin"))
    }
}

extension InboxItem {
    init(row: SQLRow) throws(StoreError) {
        guard let payload = try row.json("payload") else { throw StoreError(.invalid, "inbox item without payload") }
        self.init(
            id: Int64(try row.int("id")), receivedAt: try row.date("received_at"), requestId: try row.optionalString("request_id"),
            kind: WorkItemKind(stored: try row.string("kind")), dedupeKey: try row.optionalString("dedupe_key"), contactKey: try row.string("contact_key"),
            userId: try row.optionalString("user_id"), payload: payload, state: try InboxState(stored: row.string("state")),
            attempts: try row.int("attempts"), availableAt: try row.date("available_at"), lastError: try row.optionalString("last_error"),
            progress: try row.json("progress"))
    }
}

extension Array where Element == SQLRow {
    func decoded<T>(_ decode: (SQLRow) throws(StoreError) -> T) throws(StoreError) -> [T] {
        var result: [T] = []
        result.reserveCapacity(count)
        for row in self { result.append(try decode(row)) }
        return result
    }
}

extension BroadcastRecord {
    init(row: SQLRow) throws(StoreError) {
        self.init(
            id: try row.string("id"), title: try row.optionalString("title"), body: try row.string("body"),
            filterTag: try row.optionalString("filterTag"), status: try row.string("status"),
            totalRecipients: try row.int("totalRecipients"), successCount: try row.int("successCount"),
            failureCount: try row.int("failureCount"), createdAt: try row.date("createdAt"), updatedAt: try row.date("updatedAt"),
            userId: try row.string("userId"), flowId: try row.optionalString("flowId"))
    }
}

extension BroadcastRecipientRecord {
    init(row: SQLRow) throws(StoreError) {
        self.init(
            id: try row.string("id"), status: try row.string("status"), error: try row.optionalString("error"),
            messageId: try row.optionalString("messageId"), conversationId: try row.optionalString("conversationId"),
            statusUpdatedAt: try row.optionalDate("statusUpdatedAt"), sentAt: try row.optionalDate("sentAt"),
            createdAt: try row.date("createdAt"), broadcastId: try row.string("broadcastId"), contactId: try row.string("contactId"))
    }
}
