import FCBStore
import FlowEngine

/// The tenant lookups every delivery and every send make — by `phone_number_id` on the ack path,
/// by id for the Graph API credentials — reused for at most `maxAge`
/// (docs/serve.md#read-caches): a secret or token the dashboard changes is used after at most
/// that long. Verify-token lookups (the rare GET handshake) always read.
package final class CachedTenantStore: TenantStore {
    private let store: any TenantStore
    private let byId: FreshnessCache<String, UserRecord?>
    private let byPhoneNumberId: FreshnessCache<String, [UserRecord]>

    package init(_ store: any TenantStore, maxAge: Duration) {
        self.store = store
        byId = FreshnessCache(maxAge: maxAge)
        byPhoneNumberId = FreshnessCache(maxAge: maxAge)
    }

    package func user(id: String) async throws(StoreError) -> UserRecord? {
        try await byId.value(for: id) { () async throws(StoreError) -> UserRecord? in try await store.user(id: id) }
    }

    package func users(phoneNumberId: String) async throws(StoreError) -> [UserRecord] {
        try await byPhoneNumberId.value(for: phoneNumberId) { () async throws(StoreError) -> [UserRecord] in
            try await store.users(phoneNumberId: phoneNumberId)
        }
    }

    package func users(verifyToken: String) async throws(StoreError) -> [UserRecord] {
        try await store.users(verifyToken: verifyToken)
    }

    package func insertUser(_ user: UserRecord) async throws(StoreError) {
        try await store.insertUser(user)
        byId.removeAll()
        byPhoneNumberId.removeAll()
    }
}
