import FCBStore
import WhatsAppCloud

/// `replay-webhook --tenant`: the tenant's `User.metaAppSecret`, found by user id or by the
/// WhatsApp phone number id the dashboard stored for it.
package struct TenantSecret: SigningSecretSource {
    package let label: String
    private let store: any TenantStore
    private let tenant: String

    package init(store: any TenantStore, tenant: String) {
        self.store = store
        self.tenant = tenant
        label = "tenant \(tenant)"
    }

    package func secret() async throws -> String? {
        let user: UserRecord?
        if let byId = try await store.user(id: tenant) {
            user = byId
        } else {
            let byNumber = try await store.users(phoneNumberId: tenant)
            if byNumber.count > 1 {
                throw SigningSecret.Problem(
                    description: "\(label): \(byNumber.count) users have metaPhoneNumberId \(tenant); give the user id instead")
            }
            user = byNumber.first
        }
        guard let user else {
            throw SigningSecret.Problem(description: "\(label): no user with that id or metaPhoneNumberId in the database")
        }
        guard let secret = user.metaAppSecret else {
            throw SigningSecret.Problem(description: "\(label): user \(user.id) has no metaAppSecret")
        }
        return secret
    }
}

/// The Graph API sender's credentials from the `User` row (`serve`).
package struct StoreCredentialsSource: TenantCredentialsSource {
    private let store: any TenantStore

    package init(store: any TenantStore) { self.store = store }

    package func credentials(forUserId userId: String) async throws -> TenantCredentials? {
        guard let user = try await store.user(id: userId),
            let token = user.metaAccessToken, !token.isEmpty,
            let number = user.metaPhoneNumberId, !number.isEmpty
        else { return nil }
        return TenantCredentials(accessToken: token, phoneNumberId: number, pin: user.metaPhonePin)
    }
}
