import FCBStore
import FlowEngine
import Foundation
import Testing

/// Delivery statuses (docs/compatibility.md#delivery-statuses) on every backend: monotonic on
/// Message and BroadcastRecipient rows, exact broadcast aggregates, tenants kept apart, and
/// statuses that arrive before their message.
@Suite("Pipeline: delivery statuses")
struct StatusConformanceTests {
    static func status(
        _ status: String, _ at: Double, _ wamid: String = "wamid.OUT1", error: String? = nil, conversation: String? = nil
    ) -> DeliveryStatusUpdate {
        DeliveryStatusUpdate(waMessageId: wamid, status: status, timestamp: instant(at), error: error, conversationId: conversation)
    }

    static func outbound(_ seed: Seed, id: String = "cmsg00000000000000000001", wamid: String = "wamid.OUT1", status: String = "Sent") -> MessageRecord {
        MessageRecord(
            id: id, waMessageId: wamid, direction: "outbound", content: "Hola", status: status, statusUpdatedAt: instant(),
            createdAt: instant(), contactId: seed.contact.id, userId: seed.user.id)
    }

    /// `message` after `status` applied at `at`.
    static func updated(_ message: MessageRecord, _ status: String, _ at: Double, error: String? = nil) -> MessageRecord {
        var copy = message
        copy.status = status
        copy.statusUpdatedAt = instant(at)
        copy.error = error
        return copy
    }

    @Test(arguments: StoreBackendKind.available)
    func readThenLateDeliveredStaysRead(_ kind: StoreBackendKind) async throws {
        try await withStore(kind) { store in
            let seed = try await Seed.insert(into: store)
            let message = Self.outbound(seed)
            try await store.insertMessage(message)
            let read = Self.updated(message, "Read", 5)
            #expect(try await store.applyStatus(Self.status("Read", 5), userId: seed.user.id) == StatusApplication(updatedMessage: read))
            #expect(try await store.applyStatus(Self.status("Delivered", 3), userId: seed.user.id) == StatusApplication())
            #expect(try await store.applyStatus(Self.status("Sent", 2), userId: seed.user.id) == StatusApplication())
            #expect(try await store.message(id: message.id) == read)
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func failuresReplaceOnlyPendingOrSentAndArrivalClearsThem(_ kind: StoreBackendKind) async throws {
        try await withStore(kind) { store in
            let seed = try await Seed.insert(into: store)
            let user = seed.user.id
            // Failed after Delivered: ignored.
            let delivered = Self.outbound(seed, id: "cmsg00000000000000000001", wamid: "wamid.D")
            try await store.insertMessage(delivered)
            _ = try await store.applyStatus(Self.status("Delivered", 1, "wamid.D"), userId: user)
            #expect(try await store.applyStatus(Self.status("Failed", 2, "wamid.D", error: "late failure"), userId: user) == StatusApplication())
            #expect(try await store.applyStatus(Self.status("Warning", 2, "wamid.D", error: "late warning"), userId: user) == StatusApplication())
            #expect(try await store.message(id: delivered.id) == Self.updated(delivered, "Delivered", 1))

            // Failed over Sent sets the error; Delivered afterwards clears it (it arrived after all).
            let sent = Self.outbound(seed, id: "cmsg00000000000000000002", wamid: "wamid.F")
            try await store.insertMessage(sent)
            let failed = Self.updated(sent, "Failed", 3, error: "(#131026) Message undeliverable")
            #expect(
                try await store.applyStatus(Self.status("Failed", 3, "wamid.F", error: "(#131026) Message undeliverable"), userId: user)
                    == StatusApplication(updatedMessage: failed))
            #expect(try await store.message(id: sent.id) == failed)
            #expect(try await store.applyStatus(Self.status("Sent", 4, "wamid.F"), userId: user) == StatusApplication())
            #expect(try await store.applyStatus(Self.status("Warning", 4, "wamid.F", error: "w"), userId: user) == StatusApplication())
            let arrived = Self.updated(sent, "Delivered", 5)
            #expect(try await store.applyStatus(Self.status("Delivered", 5, "wamid.F"), userId: user) == StatusApplication(updatedMessage: arrived))
            #expect(try await store.message(id: sent.id) == arrived)

            // Warning over Pending keeps its error; Read after it clears it.
            let pending = Self.outbound(seed, id: "cmsg00000000000000000003", wamid: "wamid.W", status: "Pending")
            try await store.insertMessage(pending)
            _ = try await store.applyStatus(Self.status("Warning", 6, "wamid.W", error: "quality"), userId: user)
            #expect(try await store.message(id: pending.id) == Self.updated(pending, "Warning", 6, error: "quality"))
            _ = try await store.applyStatus(Self.status("Read", 7, "wamid.W"), userId: user)
            #expect(try await store.message(id: pending.id) == Self.updated(pending, "Read", 7))
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func repeatedStatusesAndForeignValues(_ kind: StoreBackendKind) async throws {
        try await withStore(kind) { store in
            let seed = try await Seed.insert(into: store)
            let message = Self.outbound(seed)
            try await store.insertMessage(message)
            _ = try await store.applyStatus(Self.status("Delivered", 1), userId: seed.user.id)
            #expect(try await store.applyStatus(Self.status("Delivered", 2), userId: seed.user.id) == StatusApplication())
            #expect(try await store.message(id: message.id) == Self.updated(message, "Delivered", 1))
            // A status fcb does not know never applies.
            #expect(try await store.applyStatus(Self.status("Played", 3), userId: seed.user.id) == StatusApplication())

            // A value someone else wrote (here the inbound "Received") accepts any known status.
            let foreign = Self.outbound(seed, id: "cmsg00000000000000000002", wamid: "wamid.IN", status: "Received")
            try await store.insertMessage(foreign)
            let sent = Self.updated(foreign, "Sent", 4)
            #expect(try await store.applyStatus(Self.status("Sent", 4, "wamid.IN"), userId: seed.user.id) == StatusApplication(updatedMessage: sent))

            // Another tenant's message is not touched: for that tenant the status is kept instead.
            let other = try await Seed.insert(into: store, suffix: "2", phone: "5491100000002")
            #expect(try await store.applyStatus(Self.status("Read", 9), userId: other.user.id) == StatusApplication(deferred: true))
            #expect(try await store.message(id: message.id) == Self.updated(message, "Delivered", 1))
        }
    }

    /// Seeds a broadcast of `seed`'s tenant with one Pending recipient per message id.
    static func broadcast(_ store: any FullStore, _ seed: Seed, id: String, wamids: [String]) async throws -> (BroadcastRecord, [BroadcastRecipientRecord]) {
        let broadcast = BroadcastRecord(
            id: id, title: "Promo", body: "Hola", status: "Sent", totalRecipients: wamids.count, createdAt: instant(), updatedAt: instant(),
            userId: seed.user.id, flowId: seed.flow.id)
        try await store.insertBroadcast(broadcast)
        var recipients: [BroadcastRecipientRecord] = []
        for (n, wamid) in wamids.enumerated() {
            let recipient = BroadcastRecipientRecord(
                id: "\(id)-r\(n)", messageId: wamid, conversationId: "cmsg-\(wamid)", sentAt: instant(), createdAt: instant(Double(n)),
                broadcastId: id, contactId: seed.contact.id)
            try await store.insertBroadcastRecipient(recipient)
            recipients.append(recipient)
        }
        return (broadcast, recipients)
    }

    @Test(arguments: StoreBackendKind.available)
    func recipientsAndExactAggregates(_ kind: StoreBackendKind) async throws {
        try await withStore(kind) { store in
            let seed = try await Seed.insert(into: store)
            let user = seed.user.id
            var (broadcast, recipients) = try await Self.broadcast(store, seed, id: "cbroadcast0000000000000001", wamids: ["wamid.B1", "wamid.B2"])

            // Sent → Delivered → Read (and a late Delivered): one success.
            #expect(
                try await store.applyStatus(Self.status("Sent", 1, "wamid.B1", conversation: "conv-1"), userId: user) == StatusApplication(updatedRecipients: 1)
            )
            #expect(try await store.applyStatus(Self.status("Delivered", 2, "wamid.B1"), userId: user) == StatusApplication(updatedRecipients: 1))
            #expect(try await store.applyStatus(Self.status("Read", 3, "wamid.B1"), userId: user) == StatusApplication(updatedRecipients: 1))
            #expect(try await store.applyStatus(Self.status("Delivered", 4, "wamid.B1"), userId: user) == StatusApplication())
            broadcast.successCount = 1
            broadcast.updatedAt = instant(3)
            #expect(try await store.broadcast(id: broadcast.id) == broadcast)
            recipients[0].status = "Read"
            recipients[0].statusUpdatedAt = instant(3)
            recipients[0].conversationId = "conv-1"  // given once, kept when later statuses carry none
            #expect(try await store.broadcastRecipients(broadcastId: broadcast.id) == recipients)

            // Sent → Failed: the success moves to a failure.
            _ = try await store.applyStatus(Self.status("Sent", 5, "wamid.B2"), userId: user)
            broadcast.successCount = 2
            broadcast.updatedAt = instant(5)
            #expect(try await store.broadcast(id: broadcast.id) == broadcast)
            #expect(
                try await store.applyStatus(Self.status("Failed", 6, "wamid.B2", error: "(#131049) not delivered"), userId: user)
                    == StatusApplication(updatedRecipients: 1))
            broadcast.successCount = 1
            broadcast.failureCount = 1
            broadcast.updatedAt = instant(6)
            #expect(try await store.broadcast(id: broadcast.id) == broadcast)
            recipients[1].status = "Failed"
            recipients[1].statusUpdatedAt = instant(6)
            recipients[1].error = "(#131049) not delivered"
            #expect(try await store.broadcastRecipients(broadcastId: broadcast.id) == recipients)

            // Delivered after all: back to a success, the error cleared.
            _ = try await store.applyStatus(Self.status("Delivered", 7, "wamid.B2", conversation: "conv-2"), userId: user)
            broadcast.successCount = 2
            broadcast.failureCount = 0
            broadcast.updatedAt = instant(7)
            #expect(try await store.broadcast(id: broadcast.id) == broadcast)
            recipients[1].status = "Delivered"
            recipients[1].statusUpdatedAt = instant(7)
            recipients[1].error = nil
            recipients[1].conversationId = "conv-2"
            #expect(try await store.broadcastRecipients(broadcastId: broadcast.id) == recipients)
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func messageAndRecipientTogetherAndOtherTenantsUntouched(_ kind: StoreBackendKind) async throws {
        try await withStore(kind) { store in
            let seed = try await Seed.insert(into: store)
            let other = try await Seed.insert(into: store, suffix: "2", phone: "5491100000002")
            let message = Self.outbound(seed, wamid: "wamid.M")
            try await store.insertMessage(message)
            var (mine, myRecipients) = try await Self.broadcast(store, seed, id: "cbroadcast0000000000000001", wamids: ["wamid.M"])
            let (theirs, theirRecipients) = try await Self.broadcast(store, other, id: "cbroadcast0000000000000002", wamids: ["wamid.T"])

            let delivered = Self.updated(message, "Delivered", 2)
            #expect(
                try await store.applyStatus(Self.status("Delivered", 2, "wamid.M"), userId: seed.user.id)
                    == StatusApplication(updatedMessage: delivered, updatedRecipients: 1))
            mine.successCount = 1
            mine.updatedAt = instant(2)
            myRecipients[0].status = "Delivered"
            myRecipients[0].statusUpdatedAt = instant(2)
            #expect(try await store.broadcast(id: mine.id) == mine)
            #expect(try await store.broadcastRecipients(broadcastId: mine.id) == myRecipients)

            // The other tenant's recipient, addressed by this tenant: not found here, kept, untouched.
            #expect(try await store.applyStatus(Self.status("Read", 3, "wamid.T"), userId: seed.user.id) == StatusApplication(deferred: true))
            #expect(try await store.applyPendingStatuses(waMessageId: "wamid.T") == [])
            #expect(try await store.broadcast(id: theirs.id) == theirs)
            #expect(try await store.broadcastRecipients(broadcastId: theirs.id) == theirRecipients)
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func statusesBeforeTheirMessageAreKeptThenApplied(_ kind: StoreBackendKind) async throws {
        try await withStore(kind) { store in
            let seed = try await Seed.insert(into: store)
            let user = seed.user.id
            // Out of order, one twice, before the Message row exists.
            for update in [Self.status("Delivered", 2), Self.status("Read", 3), Self.status("Sent", 1), Self.status("Delivered", 2)] {
                #expect(try await store.applyStatus(update, userId: user) == StatusApplication(deferred: true))
            }
            #expect(try await store.applyPendingStatuses(waMessageId: "wamid.OUT1") == [])  // still nothing to apply to

            let message = Self.outbound(seed, status: "Pending")
            try await store.insertMessage(message)
            let applied = try await store.applyPendingStatuses(waMessageId: "wamid.OUT1")
            #expect(
                applied == [
                    StatusApplication(updatedMessage: Self.updated(message, "Sent", 1)),
                    StatusApplication(updatedMessage: Self.updated(message, "Delivered", 2)),
                    StatusApplication(),  // the repeated Delivered changes nothing
                    StatusApplication(updatedMessage: Self.updated(message, "Read", 3)),
                ])
            #expect(try await store.message(id: message.id) == Self.updated(message, "Read", 3))
            #expect(try await store.applyPendingStatuses(waMessageId: "wamid.OUT1") == [])  // forgotten once applied

            // A failure kept with a later arrival: the arrival wins and the error goes.
            _ = try await store.applyStatus(Self.status("Delivered", 12, "wamid.OUT2"), userId: user)
            _ = try await store.applyStatus(Self.status("Failed", 11, "wamid.OUT2", error: "boom"), userId: user)
            let second = Self.outbound(seed, id: "cmsg00000000000000000002", wamid: "wamid.OUT2")
            try await store.insertMessage(second)
            #expect(try await store.applyPendingStatuses(waMessageId: "wamid.OUT2").count == 2)
            #expect(try await store.message(id: second.id) == Self.updated(second, "Delivered", 12))

            // A kept status reaches a recipient that appears later, aggregates included.
            _ = try await store.applyStatus(Self.status("Sent", 21, "wamid.B9", conversation: "conv-9"), userId: user)
            var (broadcast, recipients) = try await Self.broadcast(store, seed, id: "cbroadcast0000000000000009", wamids: ["wamid.B9"])
            #expect(try await store.applyPendingStatuses(waMessageId: "wamid.B9") == [StatusApplication(updatedRecipients: 1)])
            broadcast.successCount = 1
            broadcast.updatedAt = instant(21)
            recipients[0].status = "Sent"
            recipients[0].statusUpdatedAt = instant(21)
            recipients[0].conversationId = "conv-9"
            #expect(try await store.broadcast(id: broadcast.id) == broadcast)
            #expect(try await store.broadcastRecipients(broadcastId: broadcast.id) == recipients)
        }
    }

    /// A kept status whose row was damaged by hand is a clear error, and nothing is lost.
    @Test func corruptKeptStatusIsAClearError() async throws {
        try await withStore(.sqlite) { store in
            let sql = try #require(store as? SQLStore)
            let seed = try await Seed.insert(into: store)
            _ = try await store.applyStatus(Self.status("Sent", 1), userId: seed.user.id)
            try await sql.database.query(#"UPDATE "fcb_pending_status" SET "status_timestamp" = 'soon'"#)
            try await store.insertMessage(Self.outbound(seed, status: "Pending"))
            let error = await storeError { _ = try await store.applyPendingStatuses(waMessageId: "wamid.OUT1") }
            #expect(error == StoreError(.invalid, #"column "status_timestamp" holds "soon", not an ISO-8601 timestamp"#))
            let kept = try await sql.database.query(#"SELECT count(*) AS n FROM "fcb_pending_status""#)
            #expect(try kept.first?.int("n") == 1)
        }
    }
}
