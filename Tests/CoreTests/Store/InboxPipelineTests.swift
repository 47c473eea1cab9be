import FCBStore
import FlowEngine
import Foundation
import Testing

/// The inbox operations `fcb serve`'s pipeline adds: the progress journal, durable delays,
/// parked items and their replay, and the numbers `/metrics` shows.
@Suite("Pipeline: inbox journal, delays, parked items")
struct InboxPipelineTests {
    static func item(_ contact: String, _ key: String) -> NewInboxItem { InboxConformanceTests.item(contact, key) }

    @Test(arguments: StoreBackendKind.available)
    func progressRoundTripsOnlyUnderTheLease(_ kind: StoreBackendKind) async throws {
        try await withStore(kind) { store in
            let id = try #require(try await store.enqueue([Self.item("A", "a1")], receivedAt: instant(), requestId: nil).first ?? nil)
            #expect(try await store.inboxItem(id: id)?.progress == nil)
            #expect(try await store.saveProgress(id: id, worker: "w", progress: ["step": 1]) == false)  // not leased yet
            _ = try await store.claim(limit: 1, worker: "w", now: instant(), lease: .seconds(30))

            let journal: JSONValue = ["step": 2, "sent": ["wamid.1", "wamid.2"], "node": "ñandú", "done": .null]
            #expect(try await store.saveProgress(id: id, worker: "w", progress: journal))
            #expect(try await store.saveProgress(id: id, worker: "other", progress: ["step": 9]) == false)
            let saved = try #require(try await store.inboxItem(id: id))
            #expect(try #require(saved.progress).isEquivalent(to: journal))
            #expect(saved.state == .processing && saved.attempts == 1)

            // A crashed worker's item comes back with its journal.
            let reclaimed = try await store.claim(limit: 1, worker: "w2", now: instant(31), lease: .seconds(30))
            #expect(reclaimed.map(\.id) == [id] && reclaimed.first?.attempts == 2)
            #expect(try #require(reclaimed.first?.progress).isEquivalent(to: journal))

            #expect(try await store.saveProgress(id: id, worker: "w2", progress: nil))
            #expect(try await store.inboxItem(id: id)?.progress == nil)
            #expect(try await store.saveProgress(id: id, worker: "w2", progress: .null))
            #expect(try await store.inboxItem(id: id)?.progress == .null)
            #expect(try await store.complete(id: id, worker: "w2", at: instant(32)))
            #expect(try await store.saveProgress(id: id, worker: "w2", progress: ["late": true]) == false)
        }
    }

    /// A deferred item is pending but not due: it still heads its contact's queue, so the
    /// contact's later items wait; other contacts do not.
    @Test(arguments: StoreBackendKind.available)
    func deferredItemHoldsItsContactUntilDue(_ kind: StoreBackendKind) async throws {
        try await withStore(kind) { store in
            let ids = try await store.enqueue([Self.item("A", "a1"), Self.item("A", "a2"), Self.item("B", "b1")], receivedAt: instant(), requestId: nil)
                .compactMap { $0 }
            let (a1, a2, b1) = (ids[0], ids[1], ids[2])
            #expect(try await store.claim(limit: 5, worker: "w", now: instant(), lease: .seconds(30)).map(\.id) == [a1, b1])
            #expect(try await store.retry(id: a1, worker: "w", error: "Graph API 503", availableAt: instant(1)))
            #expect(try await store.claim(limit: 5, worker: "w", now: instant(1), lease: .seconds(30)).map(\.id) == [a1])
            #expect(try await store.inboxItem(id: a1)?.attempts == 2)

            let journal: JSONValue = ["resumeNode": "after-delay", "sent": 1]
            #expect(try await store.deferItem(id: a1, worker: "other", progress: journal, availableAt: instant(60)) == false)
            #expect(try await store.deferItem(id: a1, worker: "w", progress: journal, availableAt: instant(60)))
            let waiting = try #require(try await store.inboxItem(id: a1))
            #expect(waiting.state == .pending && waiting.attempts == 0 && waiting.availableAt == instant(60))
            #expect(try #require(waiting.progress).isEquivalent(to: journal))
            #expect(try await store.deferItem(id: a1, worker: "w", progress: nil, availableAt: instant(61)) == false)  // lease gone

            // B runs; A's later item does not overtake the waiting one.
            #expect(try await store.complete(id: b1, worker: "w", at: instant(2)))
            #expect(try await store.claim(limit: 5, worker: "w", now: instant(59), lease: .seconds(30)).isEmpty)
            let due = try await store.claim(limit: 5, worker: "w", now: instant(60), lease: .seconds(30))
            #expect(due.map(\.id) == [a1] && due.first?.attempts == 1)
            #expect(try #require(due.first?.progress).isEquivalent(to: journal))
            #expect(try await store.complete(id: a1, worker: "w", at: instant(61)))
            #expect(try await store.claim(limit: 5, worker: "w", now: instant(61), lease: .seconds(30)).map(\.id) == [a2])
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func parkedItemsAreListedAndRequeued(_ kind: StoreBackendKind) async throws {
        try await withStore(kind) { store in
            let ids = try await store.enqueue(
                [Self.item("A", "a1"), Self.item("A", "a2"), Self.item("B", "b1"), Self.item("C", "c1")], receivedAt: instant(), requestId: nil
            ).compactMap { $0 }
            let (a1, a2, b1, c1) = (ids[0], ids[1], ids[2], ids[3])
            #expect(try await store.claim(limit: 5, worker: "w", now: instant(), lease: .seconds(30)).map(\.id) == [a1, b1, c1])
            #expect(try await store.parkedItems(limit: 10).isEmpty)
            #expect(try await store.saveProgress(id: c1, worker: "w", progress: ["step": 3]))
            #expect(try await store.park(id: c1, worker: "w", error: "phone owned by another tenant", at: instant(1)))
            #expect(try await store.park(id: a1, worker: "w", error: "invalid payload", at: instant(2)))

            let parked = try await store.parkedItems(limit: 10)
            #expect(parked.map(\.id) == [a1, c1])
            #expect(parked.map(\.lastError) == ["invalid payload", "phone owned by another tenant"])
            #expect(parked.allSatisfy { $0.state == .parked && $0.attempts == 1 })
            #expect(parked.last?.progress == ["step": 3])
            #expect(try await store.parkedItems(limit: 1).map(\.id) == [a1])
            #expect(try await store.parkedItems(limit: 0).isEmpty)

            #expect(try await store.requeue(id: b1, at: instant(3)) == false)  // not parked
            #expect(try await store.requeue(id: 999_999, at: instant(3)) == false)
            #expect(try await store.complete(id: b1, worker: "w", at: instant(3)))
            #expect(try await store.requeue(id: a1, at: instant(100)))
            #expect(try await store.requeue(id: a1, at: instant(100)) == false)
            let back = try #require(try await store.inboxItem(id: a1))
            #expect(back.state == .pending && back.attempts == 0 && back.availableAt == instant(100) && back.lastError == "invalid payload")
            #expect(try await store.parkedItems(limit: 10).map(\.id) == [c1])

            // Back at the head of A: a2 waits behind it again until it is due and done.
            #expect(try await store.claim(limit: 5, worker: "w", now: instant(99), lease: .seconds(30)).isEmpty)
            let replay = try await store.claim(limit: 5, worker: "w", now: instant(100), lease: .seconds(30))
            #expect(replay.map(\.id) == [a1] && replay.first?.attempts == 1)
            #expect(try await store.complete(id: a1, worker: "w", at: instant(101)))
            #expect(try await store.claim(limit: 5, worker: "w", now: instant(101), lease: .seconds(30)).map(\.id) == [a2])
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func statsCountStatesAndTheOldestUnfinished(_ kind: StoreBackendKind) async throws {
        try await withStore(kind) { store in
            // PostgreSQL's count of done items is the planner's estimate: ANALYZE makes it exact
            // on a table this small.
            let estimated = kind == .postgres
            func stats() async throws -> InboxStats {
                if estimated, let sql = store as? SQLStore { try await sql.database.query("ANALYZE fcb.inbox") }
                return try await store.inboxStats()
            }
            func expected(_ counts: [InboxState: Int], _ oldest: Date?, done: Date? = nil) -> InboxStats {
                InboxStats(counts: counts, oldestUnfinishedAt: oldest, doneIsEstimate: estimated, oldestDoneAt: done)
            }
            #expect(try await stats() == expected([:], nil))
            let first = try await store.enqueue([Self.item("A", "a1"), Self.item("B", "b1")], receivedAt: instant(), requestId: nil).compactMap { $0 }
            let later = try await store.enqueue([Self.item("C", "c1")], receivedAt: instant(10), requestId: nil).compactMap { $0 }
            let (a1, b1, c1) = (first[0], first[1], later[0])
            #expect(try await stats() == expected([.pending: 3], instant()))

            #expect(try await store.claim(limit: 1, worker: "w", now: instant(11), lease: .seconds(30)).map(\.id) == [a1])
            #expect(try await store.complete(id: a1, worker: "w", at: instant(12)))
            #expect(try await stats() == expected([.pending: 2, .done: 1], instant(), done: instant(12)))

            #expect(try await store.claim(limit: 5, worker: "w", now: instant(12), lease: .seconds(30)).map(\.id) == [b1, c1])
            #expect(try await store.park(id: b1, worker: "w", error: "x", at: instant(13)))
            #expect(try await stats() == expected([.processing: 1, .done: 1, .parked: 1], instant(10), done: instant(12)))
            #expect(try await store.complete(id: c1, worker: "w", at: instant(14)))
            #expect(try await stats() == expected([.done: 2, .parked: 1], nil, done: instant(12)))

            // Retention: done items finished before the cutoff go, parked and newer ones stay.
            #expect(try await store.pruneFinished(before: instant(13), limit: 100) == 1)
            #expect(try await store.inboxItem(id: a1) == nil)
            #expect(try await store.inboxItem(id: b1)?.state == .parked)
            #expect(try await store.inboxItem(id: c1)?.state == .done)
            #expect(try await stats() == expected([.done: 1, .parked: 1], nil, done: instant(14)))
            #expect(try await store.pruneFinished(before: instant(100), limit: 100) == 1)
            #expect(try await store.pruneFinished(before: instant(100), limit: 100) == 0)
            #expect(try await store.inboxItem(id: b1)?.state == .parked)
        }
    }

    /// SQLite keeps the journal as text, so a hand edit can break it: a clear error naming the
    /// column wherever the item is read, and a claimed one is parked with it.
    @Test func corruptProgressIsAClearError() async throws {
        try await withStore(.sqlite) { store in
            let sql = try #require(store as? SQLStore)
            let id = try #require(try await store.enqueue([Self.item("A", "a1")], receivedAt: instant(), requestId: nil).first ?? nil)
            try await sql.database.query(#"UPDATE "fcb_inbox" SET "progress" = '{"step": ' WHERE "id" = \#(id)"#)
            let read = try #require(await storeError { _ = try await store.inboxItem(id: id) })
            #expect(read.kind == .invalid && read.message.hasPrefix(#"column "progress" holds invalid JSON"#), "\(read.message)")
            // Claimed, it is parked with the reason instead of coming back after every lease; the
            // contact's next item goes ahead.
            let next = try #require(try await store.enqueue([Self.item("A", "a2")], receivedAt: instant(1), requestId: nil).first ?? nil)
            #expect(try await store.claim(limit: 5, worker: "w", now: instant(2), lease: .seconds(30)).isEmpty)
            #expect(try await store.inboxCounts()[.parked] == 1)
            let error = try await sql.database.query(#"SELECT "last_error" FROM "fcb_inbox" WHERE "id" = \#(id)"#).first?.optionalString("last_error")
            #expect(error?.hasPrefix(#"the stored item cannot be read (column "progress" holds invalid JSON"#) == true, "\(error ?? "nil")")
            #expect(error?.hasSuffix("; fix or delete it, then replay it") == true)
            #expect(try await store.claim(limit: 5, worker: "w", now: instant(3), lease: .seconds(30)).map(\.id) == [next])
            let parked = try #require(await storeError { _ = try await store.parkedItems(limit: 5) })
            #expect(parked.kind == .invalid && parked.message.hasPrefix(#"column "progress" holds invalid JSON"#))
        }
    }
}
