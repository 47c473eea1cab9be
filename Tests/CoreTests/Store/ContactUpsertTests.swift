import FCBStore
import FlowEngine
import Foundation
import Testing

/// Contact upsert by `(userId, phone)` (docs/compatibility.md#contacts): the name moves only when
/// a non-empty, different one arrives; a phone owned by another tenant is an answer, not an error.
@Suite("Pipeline: contact upsert")
struct ContactUpsertTests {
    @Test(arguments: StoreBackendKind.available)
    func createUpdateNoOpAndOtherTenant(_ kind: StoreBackendKind) async throws {
        try await withStore(kind) { store in
            let seed = try await Seed.insert(into: store)
            let phone = "5491100000002"
            let created = try await store.upsertContact(userId: seed.user.id, phone: phone, name: "Beto", newId: "ccontact00000000000000002", at: instant(10))
            var beto = ContactRecord(
                id: "ccontact00000000000000002", phone: phone, name: "Beto", createdAt: instant(10), updatedAt: instant(10), userId: seed.user.id)
            #expect(created == .created(beto))
            #expect(try await store.contact(id: beto.id) == beto)

            // Same name, no name, empty name: nothing changes, updatedAt included.
            for name in ["Beto", nil, ""] as [String?] {
                let again = try await store.upsertContact(userId: seed.user.id, phone: phone, name: name, newId: "cunused", at: instant(20))
                #expect(again == .existing(beto))
            }
            #expect(try await store.contact(id: beto.id) == beto)
            #expect(try await store.contact(id: "cunused") == nil)

            // A new name replaces the old one and bumps updatedAt.
            let renamed = try await store.upsertContact(userId: seed.user.id, phone: phone, name: "Beto Pérez", newId: "cunused", at: instant(30))
            beto.name = "Beto Pérez"
            beto.updatedAt = instant(30)
            #expect(renamed == .existing(beto))
            #expect(try await store.contact(id: beto.id) == beto)

            // Contact_phone_key is global: another tenant's message from this phone is reported.
            let other = try await Seed.insert(into: store, suffix: "2", phone: "5491100000009")
            let clash = try await store.upsertContact(userId: other.user.id, phone: phone, name: "Intruso", newId: "cclash", at: instant(40))
            #expect(clash == .ownedByAnotherTenant(ownerUserId: seed.user.id))
            #expect(try await store.contact(id: beto.id) == beto)
            #expect(try await store.contact(id: "cclash") == nil)

            // Created without a name.
            let anonymous = try await store.upsertContact(
                userId: other.user.id, phone: "5491100000003", name: nil, newId: "ccontact00000000000000003", at: instant(50))
            #expect(
                anonymous
                    == .created(
                        ContactRecord(
                            id: "ccontact00000000000000003", phone: "5491100000003", createdAt: instant(50), updatedAt: instant(50), userId: other.user.id)))
        }
    }

    /// Many deliveries from one new phone at once, for two tenants: exactly one row is created,
    /// its tenant's other calls find it, the other tenant's are told who owns it.
    @Test(arguments: StoreBackendKind.available)
    func concurrentUpsertsCreateOneRow(_ kind: StoreBackendKind) async throws {
        try await withStore(kind) { store in
            let first = try await Seed.insert(into: store)
            let second = try await Seed.insert(into: store, suffix: "2", phone: "5491100000009")
            let phone = "5491100000077"
            let outcomes = try await withThrowingTaskGroup(of: (String, ContactUpsert).self) { group in
                for n in 0..<12 {
                    let userId = n.isMultiple(of: 2) ? first.user.id : second.user.id
                    group.addTask {
                        (userId, try await store.upsertContact(userId: userId, phone: phone, name: "N\(n)", newId: "crace\(n)", at: instant(Double(n))))
                    }
                }
                var all: [(String, ContactUpsert)] = []
                for try await outcome in group { all.append(outcome) }
                return all
            }
            let winners = outcomes.compactMap { outcome -> ContactRecord? in
                if case .created(let contact) = outcome.1 { return contact }
                return nil
            }
            #expect(winners.count == 1)
            let winner = try #require(winners.first)
            for (userId, outcome) in outcomes {
                switch outcome {
                case .created: continue
                case .existing(let contact): #expect(userId == winner.userId && contact.id == winner.id)
                case .ownedByAnotherTenant(let owner): #expect(userId != winner.userId && owner == winner.userId)
                }
            }
            #expect(try await store.contact(phone: phone)?.id == winner.id)
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func messagesByIdAndWhatsAppId(_ kind: StoreBackendKind) async throws {
        try await withStore(kind) { store in
            let seed = try await Seed.insert(into: store)
            let message = MessageRecord(
                id: "cmsg00000000000000000001", waMessageId: "wamid.A", direction: "outbound", content: "Hola", status: "Sent",
                statusUpdatedAt: instant(1), createdAt: instant(), contactId: seed.contact.id, userId: seed.user.id)
            try await store.insertMessage(message)
            #expect(try await store.message(id: message.id) == message)
            #expect(try await store.message(waMessageId: "wamid.A") == message)
            #expect(try await store.message(id: "missing") == nil)
            #expect(try await store.message(waMessageId: "wamid.missing") == nil)
        }
    }
}

/// fcb's schema versions 2, 3 and 4 on top of databases that already have version 1.
@Suite("FCB schema upgrades")
struct FCBSchemaUpgradeTests {
    @Test(arguments: StoreBackendKind.sql)
    func aVersion1DatabaseUpgradesAndKeepsItsRows(_ kind: StoreBackendKind) async throws {
        try await withStore(kind) { store in
            let sql = try #require(store as? SQLStore)
            #expect(FCBSchema.latest == 4)
            #expect(try await FCBSchema.currentVersion(on: sql.database) == 4)
            #expect(try await FCBSchema.install(on: sql.database).isEmpty)  // idempotent

            // Back to what version 1 left, with a row in it.
            let (inbox, pending, versions) =
                kind == .postgres
                ? (#""fcb"."inbox""#, #""fcb"."pending_status""#, #""fcb"."schema_version""#)
                : (#""fcb_inbox""#, #""fcb_pending_status""#, #""fcb_schema_version""#)
            let indexPrefix = kind == .postgres ? #""fcb"."inbox_"# : #""fcb_inbox_"#
            try await sql.database.execute(script: [
                "DROP INDEX \(indexPrefix)unfinished_id_idx\"", "DROP INDEX \(indexPrefix)unfinished_contact_key_id_idx\"",
                "DROP INDEX \(indexPrefix)done_finished_at_idx\"", "DROP INDEX \(indexPrefix)parked_id_idx\"",
                "ALTER TABLE \(inbox) DROP COLUMN \"progress\"", "DROP TABLE \(pending)", "DELETE FROM \(versions) WHERE version >= 2",
            ])
            #expect(try await FCBSchema.currentVersion(on: sql.database) == 1)
            let ids = try await sql.enqueue(
                [NewInboxItem(kind: .message, dedupeKey: "m:1", contactKey: "A", payload: ["n": 1])], receivedAt: instant(), requestId: nil)
            let id = try #require(ids.first ?? nil)

            #expect(try await FCBSchema.install(on: sql.database) == [2, 3, 4])
            #expect(try await FCBSchema.currentVersion(on: sql.database) == 4)
            let item = try #require(try await store.inboxItem(id: id))
            #expect(item.progress == nil && item.state == .pending)
            #expect(try await store.applyStatus(DeliveryStatusUpdate(waMessageId: "wamid.X", status: "Sent", timestamp: instant()), userId: "u").deferred)
        }
    }
}
