import Foundation

/// A dashboard tenant (`User`), with the WhatsApp credentials fcb sends with.
public struct UserRecord: Sendable, Equatable {
    public var id: String
    public var email: String
    public var password: String
    public var name: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var metaVerifyToken: String?
    public var metaAppSecret: String?
    public var metaAccessToken: String?
    public var metaPhoneNumberId: String?
    public var metaBusinessAccountId: String?
    public var metaPhonePin: String?

    public init(
        id: String, email: String, password: String = "", name: String? = nil, createdAt: Date, updatedAt: Date,
        metaVerifyToken: String? = nil, metaAppSecret: String? = nil, metaAccessToken: String? = nil,
        metaPhoneNumberId: String? = nil, metaBusinessAccountId: String? = nil, metaPhonePin: String? = nil
    ) {
        self.id = id
        self.email = email
        self.password = password
        self.name = name
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.metaVerifyToken = metaVerifyToken
        self.metaAppSecret = metaAppSecret
        self.metaAccessToken = metaAccessToken
        self.metaPhoneNumberId = metaPhoneNumberId
        self.metaBusinessAccountId = metaBusinessAccountId
        self.metaPhonePin = metaPhonePin
    }
}

/// Tenant lookups for webhook verification and sending.
public protocol TenantStore: Sendable {
    func user(id: String) async throws(StoreError) -> UserRecord?
    /// Users whose `metaPhoneNumberId` is exactly `phoneNumberId`, oldest first.
    func users(phoneNumberId: String) async throws(StoreError) -> [UserRecord]
    /// Users whose `metaVerifyToken` is exactly `token`, oldest first.
    func users(verifyToken: String) async throws(StoreError) -> [UserRecord]
    /// Inserts; `conflict` on a duplicate id or email.
    func insertUser(_ user: UserRecord) async throws(StoreError)
}
