/// A tenant's WhatsApp Cloud API credentials (the `User` row's `metaAccessToken`,
/// `metaPhoneNumberId` and `metaPhonePin`).
package struct TenantCredentials: Sendable, Equatable {
    package var accessToken: String
    package var phoneNumberId: String
    /// The two-step verification PIN, used to register the number when Meta answers 133010.
    package var pin: String?

    package init(accessToken: String, phoneNumberId: String, pin: String? = nil) {
        self.accessToken = accessToken
        self.phoneNumberId = phoneNumberId
        self.pin = pin
    }
}

/// Looks up a tenant's credentials by user id; nil when the tenant has none. The database
/// backs it in `serve`; tests and tools use ``StaticCredentialsSource``.
package protocol TenantCredentialsSource: Sendable {
    func credentials(forUserId userId: String) async throws -> TenantCredentials?
}

/// Credentials from a fixed table.
package struct StaticCredentialsSource: TenantCredentialsSource {
    package var byUserId: [String: TenantCredentials]

    package init(_ byUserId: [String: TenantCredentials]) {
        self.byUserId = byUserId
    }

    package func credentials(forUserId userId: String) async throws -> TenantCredentials? {
        byUserId[userId]
    }
}
