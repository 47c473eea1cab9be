import FlowEngine

extension SQLStore {
    package func user(id: String) async throws(StoreError) -> UserRecord? {
        try await database.first(#"SELECT * FROM "User" WHERE "id" = \#(id)"#).map { row throws(StoreError) in try UserRecord(row: row) }
    }

    package func users(phoneNumberId: String) async throws(StoreError) -> [UserRecord] {
        try await database.query(#"SELECT * FROM "User" WHERE "metaPhoneNumberId" = \#(phoneNumberId) ORDER BY "createdAt", "id""#)
            .decoded { row throws(StoreError) in try UserRecord(row: row) }
    }

    package func users(verifyToken: String) async throws(StoreError) -> [UserRecord] {
        try await database.query(#"SELECT * FROM "User" WHERE "metaVerifyToken" = \#(verifyToken) ORDER BY "createdAt", "id""#)
            .decoded { row throws(StoreError) in try UserRecord(row: row) }
    }

    package func insertUser(_ u: UserRecord) async throws(StoreError) {
        try await database.query(
            #"""
            INSERT INTO "User" ("id", "email", "password", "name", "createdAt", "updatedAt", "metaVerifyToken", "metaAppSecret",
                "metaAccessToken", "metaPhoneNumberId", "metaBusinessAccountId", "metaPhonePin")
            VALUES (\#(u.id), \#(u.email), \#(u.password), \#(u.name), \#(u.createdAt), \#(u.updatedAt), \#(u.metaVerifyToken),
                \#(u.metaAppSecret), \#(u.metaAccessToken), \#(u.metaPhoneNumberId), \#(u.metaBusinessAccountId), \#(u.metaPhonePin))
            """#)
    }
}
