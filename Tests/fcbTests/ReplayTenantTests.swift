import FCBStore
import FCBTesting
import Foundation
import Testing

/// `replay-webhook --tenant`: the signing secret comes from the tenant's User row.
@Suite("fcb replay-webhook --tenant", .serialized)
struct ReplayTenantTests {
    @Test func signsWithTheTenantsAppSecretFoundByIdOrPhoneNumberId() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fcb-tenant-\(UUID().uuidString.prefix(8)).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = try await SQLStore.openDetached(.sqlite(path: path))
        let now = Date(timeIntervalSince1970: 1_764_400_000)
        try await store.insertUser(
            UserRecord(
                id: "cuser-demo", email: "demo@example.com", createdAt: now, updatedAt: now, metaAppSecret: "demo-secret", metaPhoneNumberId: "106540352242922")
        )
        try await store.insertUser(UserRecord(id: "cuser-nosecret", email: "n@example.com", createdAt: now, updatedAt: now))
        await store.close()

        try await FakeGraphAPI.withRunning { fake in
            for tenant in ["cuser-demo", "106540352242922"] {
                let result = try await WebhookCLITests.run([
                    "replay-webhook", WebhookCLITests.hola, "--url", fake.url + "/webhook", "--tenant", tenant, "--database-url", "sqlite:\(path)",
                ])
                #expect(result.status == 0, "\(result.stderr)")
                #expect(result.stdout.contains("(signed with the secret from tenant \(tenant))"), "\(result.stdout)")
            }
            let signatures = await fake.requests(path: "/webhook").map { $0.header("X-Hub-Signature-256") }
            #expect(signatures == [WebhookCLITests.holaSignature, WebhookCLITests.holaSignature])
        }

        let unknown = try await WebhookCLITests.runWithoutSecret([
            "replay-webhook", WebhookCLITests.hola, "--url", "http://127.0.0.1:9/webhook", "--tenant", "nobody", "--database-url", "sqlite:\(path)",
        ])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("tenant nobody: no user with that id or metaPhoneNumberId in the database"), "\(unknown.stderr)")
        let noSecret = try await WebhookCLITests.runWithoutSecret([
            "replay-webhook", WebhookCLITests.hola, "--url", "http://127.0.0.1:9/webhook", "--tenant", "cuser-nosecret", "--database-url", "sqlite:\(path)",
        ])
        #expect(noSecret.status == 2)
        #expect(noSecret.stderr.contains("tenant cuser-nosecret: user cuser-nosecret has no metaAppSecret"), "\(noSecret.stderr)")
    }
}
