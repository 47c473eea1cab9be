import Foundation
import Testing

/// Leases of a restarted instance and of long-running work.
@Suite("Store: releasing and renewing leases")
struct LeaseTests {
    @Test("a restarted instance takes back only its own leased items; renewing keeps items from other workers", arguments: StoreBackendKind.available)
    func releaseAndRenew(_ kind: StoreBackendKind) async throws {
        try await withStore(kind) { store in
            let items = ["A", "B", "C"].map { InboxConformanceTests.item($0, "\($0)1") }
            let ids = try await store.enqueue(items, receivedAt: instant(), requestId: nil).compactMap { $0 }
            #expect(try await store.claim(limit: 2, worker: "host:3000/boot1", now: instant(), lease: .seconds(30)).map(\.id) == [ids[0], ids[1]])
            #expect(try await store.claim(limit: 1, worker: "host:3001/boot1", now: instant(), lease: .seconds(30)).map(\.id) == [ids[2]])

            #expect(try await store.renewLeases(ids: [ids[0], ids[2]], worker: "host:3000/boot1", until: instant(120)) == 1)
            // At 60 s item B's lease has run out, A's was renewed, C belongs to the other worker.
            #expect(try await store.claim(limit: 5, worker: "thief", now: instant(60), lease: .seconds(30)).map(\.id) == [ids[1], ids[2]])

            #expect(try await store.releaseLeases(instance: "host:3000", except: "host:3000/boot2") == 1)
            let released = try #require(try await store.inboxItem(id: ids[0]))
            #expect(released.state == .pending)
            #expect(try await store.claim(limit: 5, worker: "host:3000/boot2", now: instant(61), lease: .seconds(30)).map(\.id) == [ids[0]])
            // The current start's own leases and other instances' stay; a name that is a prefix of another does not match it.
            #expect(try await store.releaseLeases(instance: "host:3000", except: "host:3000/boot2") == 0)
            #expect(try await store.releaseLeases(instance: "host", except: "host/x") == 0)
            #expect(try await store.releaseLeases(instance: "nobody", except: "nobody/1") == 0)
        }
    }
}
