import FCBStore
import FlowEngine
import Foundation
import Testing

@Suite("Inbox conformance")
struct InboxConformanceTests {
    static func item(_ contact: String, _ key: String?, _ text: String = "") -> NewInboxItem {
        NewInboxItem(kind: .message, dedupeKey: key, contactKey: contact, userId: "cuser1", payload: ["text": .string(text), "n": 1])
    }

    /// Kinds are decoded once, when a row is read; one this fcb does not know (written by a
    /// newer version) survives as `unrecognized` with its text, to be parked, never dropped.
    @Test(arguments: StoreBackendKind.available)
    func kindsAreDecodedOnceAndUnknownKindsKeepTheirText(_ kind: StoreBackendKind) async throws {
        try await withStore(kind) { store in
            let items =
                WorkItemKind.written.map { NewInboxItem(kind: $0, dedupeKey: nil, contactKey: "K-\($0)", payload: [:]) }
                + [NewInboxItem(kind: .unrecognized("broadcast"), dedupeKey: nil, contactKey: "K-new", payload: [:])]
            let ids = try await store.enqueue(items, receivedAt: instant(), requestId: nil)
            var read: [WorkItemKind] = []
            for id in ids {
                let id = try #require(id)
                read.append(try #require(try await store.inboxItem(id: id)).kind)
            }
            #expect(read == [.message, .status, .trigger, .unrouted, .invalid, .unrecognized("broadcast")])
            #expect(read.map(\.stored) == ["message", "status", "trigger", "unrouted", "invalid", "broadcast"])
        }
        #expect(WorkItemKind(stored: "status") == .status)
        #expect(throws: StoreError(.invalid, "inbox item state 'lost' is not one of pending, processing, done, parked")) {
            try InboxState(stored: "lost")
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func duplicatesAreDroppedAndItemsKeepTheirFields(_ kind: StoreBackendKind) async throws {
        try await withStore(kind) { store in
            let ids = try await store.enqueue(
                [Self.item("A", "m:1", "hola ñ"), Self.item("A", "m:2"), Self.item("B", nil)], receivedAt: instant(), requestId: "req-1")
            #expect(ids.count == 3 && ids.allSatisfy { $0 != nil })
            let again = try await store.enqueue(
                [Self.item("A", "m:2"), Self.item("B", nil), Self.item("C", "m:1")], receivedAt: instant(1), requestId: "req-2")
            #expect(again[0] == nil && again[1] != nil && again[2] == nil)

            let firstId = try #require(ids[0])
            let first = try #require(try await store.inboxItem(id: firstId))
            #expect(first.kind == .message && first.dedupeKey == "m:1" && first.contactKey == "A" && first.userId == "cuser1")
            #expect(first.requestId == "req-1" && first.receivedAt == instant() && first.availableAt == instant())
            #expect(first.state == .pending && first.attempts == 0 && first.lastError == nil)
            #expect(first.payload.isEquivalent(to: ["text": "hola ñ", "n": 1]))
            #expect(try await store.inboxCounts() == [.pending: 4])
            #expect(try await store.enqueue([], receivedAt: instant(), requestId: nil).isEmpty)

            // The same key twice in one delivery: stored once, the second reported as a duplicate.
            let twice = try await store.enqueue(
                [Self.item("D", "m:9"), Self.item("E", nil), Self.item("D", "m:9"), Self.item("F", nil)], receivedAt: instant(2), requestId: nil)
            #expect(twice[0] != nil && twice[1] != nil && twice[2] == nil && twice[3] != nil)
            #expect(Set(twice.compactMap { $0 }).count == 3)
            let (eId, fId) = (try #require(twice[1]), try #require(twice[3]))
            let e = try #require(try await store.inboxItem(id: eId))
            let f = try #require(try await store.inboxItem(id: fId))
            #expect(e.contactKey == "E" && f.contactKey == "F")
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func oneContactAtATimeInArrivalOrder(_ kind: StoreBackendKind) async throws {
        try await withStore(kind) { store in
            let ids = try await store.enqueue(
                [Self.item("A", "a1"), Self.item("A", "a2"), Self.item("B", "b1"), Self.item("A", "a3"), Self.item("C", "c1")],
                receivedAt: instant(), requestId: nil
            ).compactMap { $0 }
            let (a1, a2, b1, a3, c1) = (ids[0], ids[1], ids[2], ids[3], ids[4])

            let batch = try await store.claim(limit: 10, worker: "w1", now: instant(1), lease: .seconds(30))
            #expect(batch.map(\.id) == [a1, b1, c1])
            #expect(batch.allSatisfy { $0.state == .processing && $0.attempts == 1 })
            #expect(try await store.claim(limit: 10, worker: "w2", now: instant(1), lease: .seconds(30)).isEmpty)

            #expect(try await store.complete(id: a1, worker: "w1", at: instant(2)))
            #expect(try await store.claim(limit: 10, worker: "w2", now: instant(2), lease: .seconds(30)).map(\.id) == [a2])
            #expect(try await store.complete(id: a2, worker: "w1", at: instant(2)) == false)  // not w1's lease
            #expect(try await store.complete(id: a2, worker: "w2", at: instant(3)))
            #expect(try await store.claim(limit: 1, worker: "w2", now: instant(3), lease: .seconds(30)).map(\.id) == [a3])
            #expect(try await store.inboxCounts() == [.done: 2, .processing: 3])
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func retriedItemsStayAtTheHeadUntilDue(_ kind: StoreBackendKind) async throws {
        try await withStore(kind) { store in
            let ids = try await store.enqueue([Self.item("A", "a1"), Self.item("A", "a2")], receivedAt: instant(), requestId: nil).compactMap { $0 }
            #expect(try await store.claim(limit: 5, worker: "w", now: instant(), lease: .seconds(30)).map(\.id) == [ids[0]])
            #expect(try await store.retry(id: ids[0], worker: "w", error: "Graph API 503", availableAt: instant(60)))
            #expect(try await store.claim(limit: 5, worker: "w", now: instant(59), lease: .seconds(30)).isEmpty)
            let again = try await store.claim(limit: 5, worker: "w", now: instant(60), lease: .seconds(30))
            #expect(again.map(\.id) == [ids[0]])
            #expect(again.first?.attempts == 2 && again.first?.lastError == "Graph API 503")

            // A poisoned item is parked; the contact's next item runs.
            #expect(try await store.park(id: ids[0], worker: "w", error: "invalid payload", at: instant(61)))
            #expect(try await store.claim(limit: 5, worker: "w", now: instant(61), lease: .seconds(30)).map(\.id) == [ids[1]])
            let parked = try #require(try await store.inboxItem(id: ids[0]))
            #expect(parked.state == .parked && parked.lastError == "invalid payload")
            #expect(try await store.retry(id: ids[0], worker: "w", error: "x", availableAt: instant()) == false)
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func expiredLeasesAreClaimedAgain(_ kind: StoreBackendKind) async throws {
        try await withStore(kind) { store in
            let ids = try await store.enqueue([Self.item("A", "a1"), Self.item("A", "a2")], receivedAt: instant(), requestId: nil).compactMap { $0 }
            #expect(try await store.claim(limit: 5, worker: "crashed", now: instant(), lease: .seconds(30)).map(\.id) == [ids[0]])
            #expect(try await store.claim(limit: 5, worker: "w2", now: instant(29), lease: .seconds(30)).isEmpty)
            let reclaimed = try await store.claim(limit: 5, worker: "w2", now: instant(31), lease: .seconds(30))
            #expect(reclaimed.map(\.id) == [ids[0]] && reclaimed.first?.attempts == 2)
            #expect(try await store.complete(id: ids[0], worker: "crashed", at: instant(32)) == false)
            #expect(try await store.complete(id: ids[0], worker: "w2", at: instant(32)))
        }
    }
}
