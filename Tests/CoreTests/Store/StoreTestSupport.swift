import FCBStore
import FCBTesting
import FlowEngine
import Foundation
import Testing

typealias FullStore = PipelineStore & BroadcastStore

/// The backends every store test runs against (same tests, every backend:
/// docs/targets.md#one-behaviour-on-every-backend).
enum StoreBackendKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case memory, sqlite, postgres

    var testDescription: String { rawValue }

    /// PostgreSQL only when a server is available; the skip is printed once so it is visible.
    static let available: [StoreBackendKind] = {
        if PostgresTestSupport.isAvailable { return allCases }
        print("⚠️  \(PostgresTestSupport.skipReason)")
        return [.memory, .sqlite]
    }()

    static let sql: [StoreBackendKind] = available.filter { $0 != .memory }
}

/// Runs `body` with a fresh, empty store of `kind` holding the whole schema, then disposes of it.
func withStore(_ kind: StoreBackendKind, _ body: (any FullStore) async throws -> Void) async throws {
    switch kind {
    case .memory:
        try await body(InMemoryStore())
    case .sqlite:
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fcb-store-\(UUID().uuidString).sqlite").path
        let store = try await SQLStore.openDetached(.sqlite(path: path))
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        do {
            try await body(store)
            await store.close()
        } catch {
            await store.close()
            throw error
        }
    case .postgres:
        try await PostgresTestSupport.withDatabase { settings in
            let backend = try PostgresBackend.detached(settings: settings)
            try await PostgresTestSupport.applySharedSchema(backend)
            try await FCBSchema.install(on: backend)
            let store = SQLStore(database: backend)
            do {
                try await body(store)
                await store.close()
            } catch {
                await store.close()
                throw error
            }
        }
    }
}

/// A fixed instant with whole milliseconds (what every backend keeps).
func instant(_ offsetSeconds: Double = 0) -> Date {
    Date(timeIntervalSince1970: 1_764_400_000.123 + offsetSeconds)
}

func storeError(_ body: () async throws -> Void) async -> StoreError? {
    do {
        try await body()
        return nil
    } catch let error as StoreError {
        return error
    } catch {
        return StoreError(.invalid, "unexpected \(error)")
    }
}

extension JSONValue {
    /// Equality that ignores object key order: PostgreSQL's JSONB reorders keys.
    func isEquivalent(to other: JSONValue) -> Bool {
        switch (self, other) {
        case (.object(let a), .object(let b)):
            return a.count == b.count && a.allSatisfy { key, value in b[key].map { value.isEquivalent(to: $0) } ?? false }
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.isEquivalent(to: $1) }
        default:
            return self == other
        }
    }
}

/// Seeds a user, a contact and a flow (the parents every other row needs).
struct Seed {
    let user: UserRecord
    let contact: ContactRecord
    let flow: FlowRecord

    static func insert(into store: any FullStore, suffix: String = "1", phone: String = "5491100000001") async throws -> Seed {
        let user = UserRecord(
            id: "cuser000000000000000000\(suffix)", email: "owner\(suffix)@example.com", password: "x", name: "Owner",
            createdAt: instant(), updatedAt: instant(), metaVerifyToken: "verify-\(suffix)", metaAppSecret: "secret-\(suffix)",
            metaAccessToken: "EAAG\(suffix)", metaPhoneNumberId: "10000000000000\(suffix)")
        try await store.insertUser(user)
        let contact = ContactRecord(
            id: "ccontact00000000000000\(suffix)", phone: phone, name: "Ana", createdAt: instant(), updatedAt: instant(),
            userId: user.id)
        try await store.insertContact(contact)
        let flow = FlowRecord(
            id: "cflow000000000000000000\(suffix)", name: "Welcome", trigger: "hola", status: "Active",
            definition: ["nodes": [], "edges": []], createdAt: instant(), updatedAt: instant(), userId: user.id)
        try await store.saveFlow(flow)
        return Seed(user: user, contact: contact, flow: flow)
    }
}
