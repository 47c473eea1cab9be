/// A tenant's WhatsApp Cloud API credentials (the `User` row's `metaAccessToken`,
/// `metaPhoneNumberId` and `metaPhonePin`).
public struct TenantCredentials: Sendable, Equatable {
    public var accessToken: String
    public var phoneNumberId: String
    /// The two-step verification PIN, used to register the number when Meta answers 133010.
    public var pin: String?

    public init(accessToken: String, phoneNumberId: String, pin: String? = nil) {
        self.accessToken = accessToken
        self.phoneNumberId = phoneNumberId
        self.pin = pin
    }
}

/// Looks up a tenant's credentials by user id; nil when the tenant has none. The database
/// backs it in `serve`; tests and tools use ``StaticCredentialsSource``.
public protocol TenantCredentialsSource: Sendable {
    func credentials(forUserId userId: String) async throws -> TenantCredentials?
}

/// Credentials from a fixed table.
public struct StaticCredentialsSource: TenantCredentialsSource {
    public var byUserId: [String: TenantCredentials]

    public init(_ byUserId: [String: TenantCredentials]) {
        self.byUserId = byUserId
    }

    public func credentials(forUserId userId: String) async throws -> TenantCredentials? {
        byUserId[userId]
    }
}
