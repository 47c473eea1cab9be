import FCBStore
import FlowEngine
import Foundation
import Testing

/// The group commit's multi-row writers (docs/serve.md#group-commit): the same rows as their
/// one-row counterparts, on every backend.
@Suite("Store: multi-row writers of the group commit")
struct UnitBatchStoreTests {
    @Test(arguments: StoreBackendKind.available)
    func progressAndCompletionsOnlyUnderTheLease(_ kind: StoreBackendKind) async throws {
        try await withStore(kind) { store in
            let ids = try await store.enqueue(
                (1...4).map { NewInboxItem(kind: .unrouted, dedupeKey: "k\($0)", contactKey: "c\($0)", payload: [:]) }, receivedAt: instant(),
                requestId: nil
            ).compactMap { $0 }
            #expect(try await store.claim(limit: 3, worker: "w", now: instant(), lease: .seconds(30)).map(\.id) == Array(ids.prefix(3)))
            let held = try await store.saveProgress(
                [(ids[0], JSONValue.object(["a": 1])), (ids[1], nil), (ids[3], JSONValue.object(["not": "leased"]))], worker: "w")
            #expect(held == [ids[0], ids[1]])
            #expect(try await store.inboxItem(id: ids[0])?.progress == ["a": 1])
            #expect(try await store.inboxItem(id: ids[3])?.progress == nil)
            #expect(try await store.saveProgress([(ids[2], nil)], worker: "w") == [ids[2]])

            let done = try await store.complete([(ids[0], instant(5)), (ids[2], instant(6)), (ids[3], instant(7))], worker: "w")
            #expect(done == [ids[0], ids[2]])
            #expect(try await store.inboxItem(id: ids[0])?.state == .done)
            #expect(try await store.inboxItem(id: ids[1])?.state == .processing)
            #expect(try await store.inboxItem(id: ids[3])?.state == .pending)
            #expect(try await store.inboxStats().oldestDoneAt == instant(5))
        }
    }

    /// A commit PostgreSQL made whose answer was lost (a restart in between) is tried again:
    /// the second attempt's rows are recognised by content, not refused as duplicates.
    @Test(arguments: StoreBackendKind.available)
    func aRepeatedCommitOfTheSameRowsSucceeds(_ kind: StoreBackendKind) async throws {
        try await withStore(kind) { store in
            guard store is SQLStore else { return }  // the in-memory store has no lost answers
            let seed = try await Seed.insert(into: store)
            let other = try await Seed.insert(into: store, suffix: "2", phone: "5491100000002")
            let a = SessionRecord(id: "csessa", context: ["x": 1], createdAt: instant(), updatedAt: instant(), contactId: seed.contact.id, flowId: seed.flow.id)
            try await store.createSessions([a])
            try await store.createSessions([a])
            #expect(try await store.session(id: "csessa") == a)
            // The same id for another conversation is a real conflict.
            let impostor = SessionRecord(id: "csessa", createdAt: instant(), updatedAt: instant(), contactId: other.contact.id, flowId: other.flow.id)
            await #expect(throws: StoreError(.conflict, "Unique constraint failed on Session_pkey (session csessa belongs to another conversation)")) {
                try await store.createSessions([impostor])
            }

            let ids = try await store.enqueue(
                [NewInboxItem(kind: .unrouted, dedupeKey: "k1", contactKey: "c1", payload: [:])], receivedAt: instant(), requestId: nil
            ).compactMap { $0 }
            _ = try await store.claim(limit: 1, worker: "w", now: instant(), lease: .seconds(30))
            #expect(try await store.complete([(ids[0], instant(5))], worker: "w") == [ids[0]])
            #expect(try await store.complete([(ids[0], instant(5))], worker: "w") == [ids[0]])
            // Done at another instant: not this worker's commit.
            #expect(try await store.complete([(ids[0], instant(6))], worker: "w") == [])
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func sessionsMessagesAndLogs(_ kind: StoreBackendKind) async throws {
        try await withStore(kind) { store in
            let seed = try await Seed.insert(into: store)
            let other = try await Seed.insert(into: store, suffix: "2", phone: "5491100000002")
            let a = SessionRecord(id: "csessa", context: ["x": 1], createdAt: instant(), updatedAt: instant(), contactId: seed.contact.id, flowId: seed.flow.id)
            let b = SessionRecord(id: "csessb", createdAt: instant(1), updatedAt: instant(1), contactId: other.contact.id, flowId: other.flow.id)
            try await store.createSessions([a, b])
            #expect(try await store.session(id: "csessa") == a)
            #expect(try await store.session(id: "csessb") == b)

            // Two shapes of patch: each writes only its fields.
            try await store.updateSessions([
                SessionUpdate(id: "csessa", patch: SessionPatch(status: .paused, currentNodeId: .some("n2"), context: ["x": 2]), at: instant(10)),
                SessionUpdate(id: "csessb", patch: SessionPatch(currentNodeId: .some(nil)), at: instant(11)),
            ])
            let updatedA = try #require(try await store.session(id: "csessa"))
            #expect(updatedA.status == "Paused" && updatedA.currentNodeId == "n2" && updatedA.context == ["x": 2] && updatedA.updatedAt == instant(10))
            let updatedB = try #require(try await store.session(id: "csessb"))
            #expect(updatedB.status == "Active" && updatedB.currentNodeId == nil && updatedB.context == nil && updatedB.updatedAt == instant(11))
            // Same shape, several rows: one statement.
            try await store.updateSessions([
                SessionUpdate(id: "csessa", patch: SessionPatch(context: ["x": 3]), at: instant(12)),
                SessionUpdate(id: "csessb", patch: SessionPatch(context: ["y": "é"]), at: instant(13)),
            ])
            #expect(try await store.session(id: "csessa")?.context == ["x": 3])
            #expect(try await store.session(id: "csessb")?.context == ["y": "é"])
            #expect(
                await storeError {
                    try await store.updateSessions([
                        SessionUpdate(id: "csessa", patch: SessionPatch(context: [:]), at: instant(14)),
                        SessionUpdate(id: "missing", patch: SessionPatch(context: [:]), at: instant(14)),
                    ])
                }?.kind == .notFound)

            func row(_ id: String, wamid: String?) -> MessageRecord {
                MessageRecord(
                    id: id, waMessageId: wamid, direction: "outbound", type: "text", content: id, payload: ["t": .string(id)], status: "Sent",
                    createdAt: instant(20), contactId: seed.contact.id, userId: seed.user.id, sessionId: "csessa")
            }
            #expect(try await store.insertMessagesIfAbsent([row("cm1", wamid: "wamid.1"), row("cm2", wamid: nil)]) == ["cm1", "cm2"])
            // Again, plus a new one: the existing id and wamid are skipped.
            #expect(
                try await store.insertMessagesIfAbsent([row("cm1", wamid: "wamid.1"), row("cm3", wamid: "wamid.1"), row("cm4", wamid: "wamid.4")]) == ["cm4"])
            #expect(try await store.messages(contactId: seed.contact.id).map(\.id).sorted() == ["cm1", "cm2", "cm4"])
            #expect(try await store.message(id: "cm1") == row("cm1", wamid: "wamid.1"))

            let log = LogRecord(
                id: "clog1", status: "Sent", context: ["x": 3], createdAt: instant(30), updatedAt: instant(30), contactId: seed.contact.id, flowId: seed.flow.id
            )
            try await store.insertLogsIfAbsent([log])
            var changed = log
            changed.status = "Completed"
            try await store.insertLogsIfAbsent([changed])
            #expect(try await store.logs(contactId: seed.contact.id) == [log])
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func keptStatusesForSeveralMessagesAtOnce(_ kind: StoreBackendKind) async throws {
        try await withStore(kind) { store in
            let seed = try await Seed.insert(into: store)
            for (wamid, status) in [("wamid.A", "Delivered"), ("wamid.B", "Read"), ("wamid.X", "Sent")] {
                let kept = try await store.applyStatus(DeliveryStatusUpdate(waMessageId: wamid, status: status, timestamp: instant(40)), userId: seed.user.id)
                #expect(kept.deferred)
            }
            for id in ["A", "B"] {
                _ = try await store.insertMessagesIfAbsent([
                    MessageRecord(
                        id: "cmsg\(id)", waMessageId: "wamid.\(id)", direction: "outbound", type: "text", content: id, status: "Sent", createdAt: instant(39),
                        contactId: seed.contact.id, userId: seed.user.id)
                ])
            }
            let applied = try await store.applyPendingStatuses(waMessageIds: ["wamid.B", "wamid.A", "wamid.Z"])
            #expect(applied["wamid.A"]?.compactMap(\.updatedMessage?.status) == ["Delivered"])
            #expect(applied["wamid.B"]?.compactMap(\.updatedMessage?.status) == ["Read"])
            #expect(applied["wamid.Z"] == nil)
            #expect(try await store.message(id: "cmsgB")?.status == "Read")
            // The status whose message never came is deleted by retention.
            #expect(try await store.pruneKeptStatuses(before: Date().addingTimeInterval(60)) == 1)
            #expect(try await store.applyPendingStatuses(waMessageIds: ["wamid.X"]).isEmpty)
        }
    }
}
