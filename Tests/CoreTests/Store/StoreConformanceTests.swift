import FCBStore
import FlowEngine
import Foundation
import Testing

/// One suite, every backend: in-memory, SQLite and PostgreSQL must read and write the same rows
/// and refuse the same things with the same messages.
@Suite("Store conformance")
struct StoreConformanceTests {
    @Test(arguments: StoreBackendKind.available)
    func usersRoundTripAndLookups(_ kind: StoreBackendKind) async throws {
        try await withStore(kind) { store in
            let seed = try await Seed.insert(into: store)
            #expect(try await store.user(id: seed.user.id) == seed.user)
            #expect(try await store.user(id: "missing") == nil)
            let second = UserRecord(
                id: "cuser0000000000000000002", email: "b@example.com", createdAt: instant(-5), updatedAt: instant(),
                metaVerifyToken: "verify-1", metaPhoneNumberId: seed.user.metaPhoneNumberId)
            try await store.insertUser(second)
            #expect(try await store.users(phoneNumberId: "100000000000001").map(\.id) == [second.id, seed.user.id])
            #expect(try await store.users(verifyToken: "verify-1").map(\.id) == [second.id, seed.user.id])
            #expect(try await store.users(phoneNumberId: "nope").isEmpty)

            var duplicate = second
            duplicate.id = "cuser0000000000000000003"
            let error = await storeError { try await store.insertUser(duplicate) }
            #expect(error == StoreError(.conflict, "Unique constraint failed on User_email_key"))
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func contactsAreUniqueByPhoneAcrossTenants(_ kind: StoreBackendKind) async throws {
        try await withStore(kind) { store in
            let seed = try await Seed.insert(into: store)
            #expect(try await store.contact(id: seed.contact.id) == seed.contact)
            #expect(try await store.contact(phone: "5491100000001") == seed.contact)
            #expect(try await store.contact(phone: "5491100000002") == nil)

            let other = try await Seed.insert(into: store, suffix: "2", phone: "5491100000002")
            var clash = other.contact
            clash.id = "ccontact000000000000009"
            clash.phone = seed.contact.phone  // Contact_phone_key is global, not per tenant
            let error = await storeError { try await store.insertContact(clash) }
            #expect(error == StoreError(.conflict, "Unique constraint failed on Contact_phone_key"))

            var sameId = other.contact
            sameId.phone = "5491100000003"
            sameId.id = seed.contact.id
            #expect(await storeError { try await store.insertContact(sameId) } == StoreError(.conflict, "Unique constraint failed on Contact_pkey"))
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func flowsSaveReplaceAndActiveOrder(_ kind: StoreBackendKind) async throws {
        try await withStore(kind) { store in
            let seed = try await Seed.insert(into: store)
            let definition: JSONValue = [
                "nodes": [["id": "n1", "type": "trigger", "data": ["keyword": "hola", "ñandú": "🦤", "n": 1.5, "big": 1e21, "flag": true, "none": .null]]],
                "edges": [],
            ]
            var newer = FlowRecord(
                id: "cflow0000000000000000002", name: "Menú", trigger: "menu", status: "Active", definition: definition,
                channel: "whatsapp", createdAt: instant(), updatedAt: instant(10), metaFlowId: "meta-1", metaFlowToken: "tok",
                metaFlowVersion: "7.0", userId: seed.user.id)
            try await store.saveFlow(newer)
            try await store.saveFlow(
                FlowRecord(id: "cflow0000000000000000003", name: "Draft", status: "Draft", createdAt: instant(), updatedAt: instant(20), userId: seed.user.id))
            try await store.saveFlow(
                FlowRecord(
                    id: "cflow0000000000000000004", name: "active lower", status: "active", createdAt: instant(), updatedAt: instant(30), userId: seed.user.id))

            let read = try #require(try await store.flow(id: newer.id))
            #expect(try #require(read.definition).isEquivalent(to: definition))
            var comparable = read
            comparable.definition = newer.definition
            #expect(comparable == newer)
            #expect(try await store.activeFlows(userId: seed.user.id).map(\.id) == [newer.id, seed.flow.id])

            newer.status = "Paused"
            newer.name = "Menú 2"
            newer.updatedAt = instant(40)
            try await store.saveFlow(newer)
            #expect(try await store.flow(id: newer.id)?.name == "Menú 2")
            #expect(try await store.activeFlows(userId: seed.user.id).map(\.id) == [seed.flow.id])
            #expect(try await store.activeFlows(userId: "nobody").isEmpty)
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func sessionsCreatePatchAndSelectOpen(_ kind: StoreBackendKind) async throws {
        try await withStore(kind) { store in
            let seed = try await Seed.insert(into: store)
            let second = FlowRecord(id: "cflow0000000000000000002", name: "Two", createdAt: instant(), updatedAt: instant(), userId: seed.user.id)
            try await store.saveFlow(second)
            let context: JSONValue = ["_meta": ["history": [["type": "user", "text": "hola"]]], "nombre": "Ana"]
            let first = SessionRecord(
                id: "csession00000000000000001", status: "Active", currentNodeId: "n1", context: context, createdAt: instant(),
                updatedAt: instant(1), contactId: seed.contact.id, flowId: seed.flow.id)
            try await store.createSession(first)
            let paused = SessionRecord(
                id: "csession00000000000000002", status: "Paused", createdAt: instant(), updatedAt: instant(5),
                contactId: seed.contact.id, flowId: second.id)
            try await store.createSession(paused)

            let read = try #require(try await store.session(id: first.id))
            #expect(try #require(read.context).isEquivalent(to: context))
            #expect(read.currentNodeId == "n1" && read.createdAt == instant() && read.updatedAt == instant(1))
            #expect(try await store.session(contactId: seed.contact.id, flowId: second.id) == paused)
            #expect(try await store.openSession(contactId: seed.contact.id)?.id == paused.id)
            #expect(try await store.sessions(contactId: seed.contact.id).map(\.id) == [first.id, paused.id])
            #expect(try await store.sessions(contactId: "nobody").isEmpty)

            // A patch changes only what it names and always bumps updatedAt.
            try await store.updateSession(id: first.id, SessionPatch(status: .completed), at: instant(2))
            var expected = first
            expected.status = "Completed"
            expected.updatedAt = instant(2)
            let afterStatus = try #require(try await store.session(id: first.id))
            #expect(afterStatus.status == "Completed" && afterStatus.currentNodeId == "n1" && afterStatus.updatedAt == instant(2))
            try await store.updateSession(id: first.id, SessionPatch(currentNodeId: .some(nil), context: .null), at: instant(3))
            let cleared = try #require(try await store.session(id: first.id))
            #expect(cleared.currentNodeId == nil && cleared.context == .null && cleared.status == "Completed")
            try await store.updateSession(id: first.id, SessionPatch(), at: instant(4))
            #expect(try await store.session(id: first.id)?.updatedAt == instant(4))

            try await store.updateSession(id: paused.id, SessionPatch(status: .completed), at: instant(6))
            #expect(try await store.openSession(contactId: seed.contact.id) == nil)

            let missing = await storeError { try await store.updateSession(id: "nope", SessionPatch(status: .active), at: instant()) }
            #expect(missing == StoreError(.notFound, "session nope not found"))
            var clash = first
            clash.id = "csession00000000000000003"
            #expect(
                await storeError { try await store.createSession(clash) } == StoreError(.conflict, "Unique constraint failed on Session_contactId_flowId_key"))
            var sameId = first
            sameId.flowId = "cflow0000000000000000002"
            sameId.contactId = seed.contact.id
            #expect(await storeError { try await store.createSession(sameId) } != nil)
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func messagesKeepEveryFieldAndOrder(_ kind: StoreBackendKind) async throws {
        try await withStore(kind) { store in
            let seed = try await Seed.insert(into: store)
            let payload: JSONValue = ["type": "interactive", "interactive": ["button_reply": ["id": "opt-1", "title": "Sí ✅"]]]
            let inbound = MessageRecord(
                id: "cmsg00000000000000000001", waMessageId: "wamid.HBgN1", direction: "inbound", type: "interactive",
                content: "Sí ✅", payload: payload, status: "Received", createdAt: instant(1), contactId: seed.contact.id,
                userId: seed.user.id)
            let outbound = MessageRecord(
                id: "cmsg00000000000000000002", waMessageId: nil, direction: "outbound", content: "Hola Ana\n¿Cómo estás?",
                status: "Failed", error: "(#131047) Re-engagement message", statusUpdatedAt: instant(3), createdAt: instant(2),
                contactId: seed.contact.id, userId: seed.user.id)
            let unsent = MessageRecord(
                id: "cmsg00000000000000000003", direction: "outbound", createdAt: instant(0.5), contactId: seed.contact.id, userId: seed.user.id)
            try await store.insertMessage(outbound)
            try await store.insertMessage(inbound)
            try await store.insertMessage(unsent)  // a second NULL waMessageId is allowed

            let read = try await store.messages(contactId: seed.contact.id)
            #expect(read.map(\.id) == [unsent.id, inbound.id, outbound.id])
            #expect(read[2] == outbound)
            #expect(read[0] == unsent && read[0].type == "text" && read[0].status == "Pending")
            #expect(try #require(read[1].payload).isEquivalent(to: payload))
            var comparable = read[1]
            comparable.payload = payload
            #expect(comparable == inbound)

            var repeatDelivery = inbound
            repeatDelivery.id = "cmsg00000000000000000004"
            let error = await storeError { try await store.insertMessage(repeatDelivery) }
            #expect(error == StoreError(.conflict, "Unique constraint failed on Message_waMessageId_key"))
            #expect(try await store.messages(contactId: "other").isEmpty)
        }
    }

    @Test(arguments: StoreBackendKind.available)
    func logsRoundTrip(_ kind: StoreBackendKind) async throws {
        try await withStore(kind) { store in
            let seed = try await Seed.insert(into: store)
            let log = LogRecord(
                id: "clog000000000000000000001", status: "Completed", context: ["a": 1, "b": ["c"]], createdAt: instant(1),
                updatedAt: instant(1), contactId: seed.contact.id, flowId: seed.flow.id)
            let nullContext = LogRecord(
                id: "clog000000000000000000002", status: "Error", context: nil, createdAt: instant(2), updatedAt: instant(2),
                contactId: seed.contact.id, flowId: seed.flow.id)
            try await store.insertLog(nullContext)
            try await store.insertLog(log)
            let read = try await store.logs(contactId: seed.contact.id)
            #expect(read.map(\.id) == [log.id, nullContext.id])
            #expect(read[1].context == nil)
            #expect(try #require(read[0].context).isEquivalent(to: ["a": 1, "b": ["c"]]))
        }
    }

    @Test(arguments: StoreBackendKind.sql)
    func foreignKeysAreEnforced(_ kind: StoreBackendKind) async throws {
        try await withStore(kind) { store in
            let orphan = ContactRecord(id: "ccontact00000000000000009", phone: "1", createdAt: instant(), updatedAt: instant(), userId: "no-such-user")
            let error = try #require(await storeError { try await store.insertContact(orphan) })
            #expect(error.kind == .invalid)
            #expect(error.message.contains("Foreign key constraint failed"))
            #expect(try await store.contact(id: orphan.id) == nil)
        }
    }
}

/// Rows written by someone else (the dashboard, a hand edit) can hold anything: a bad value is a
/// clear error naming the column, never a crash.
@Suite("Store: corrupt rows")
struct CorruptRowTests {
    @Test(arguments: StoreBackendKind.sql)
    func corruptJSONAndTimestampsAreClearErrors(_ kind: StoreBackendKind) async throws {
        try await withStore(kind) { store in
            let sql = try #require(store as? SQLStore)
            let seed = try await Seed.insert(into: store)
            try await store.createSession(
                SessionRecord(id: "cs1", createdAt: instant(), updatedAt: instant(), contactId: seed.contact.id, flowId: seed.flow.id))
            if kind == .sqlite {
                // SQLite keeps JSON and timestamps as text, so both can be damaged.
                try await sql.database.query(#"UPDATE "Session" SET "context" = '{"open": ' WHERE "id" = 'cs1'"#)
                let json = try #require(await storeError { _ = try await store.session(id: "cs1") })
                #expect(json.kind == .invalid && json.message.hasPrefix(#"column "context" holds invalid JSON"#), "\(json.message)")
                try await sql.database.query(#"UPDATE "Session" SET "context" = NULL, "updatedAt" = 'yesterday' WHERE "id" = 'cs1'"#)
                let date = try #require(await storeError { _ = try await store.session(id: "cs1") })
                #expect(date == StoreError(.invalid, #"column "updatedAt" holds "yesterday", not an ISO-8601 timestamp"#))
            } else {
                // PostgreSQL types the columns; an oversize, wrong-typed value is refused on write.
                let error = try #require(
                    await storeError {
                        try await sql.database.query(#"UPDATE "Session" SET "updatedAt" = \#(String(repeating: "x", count: 100_000)) WHERE "id" = 'cs1'"#)
                    })
                #expect(
                    error.kind == .invalid
                        && error.message == #"database error 42804: column "updatedAt" is of type timestamp without time zone but expression is of type text"#,
                    "\(error.message)")
                #expect(try await store.session(id: "cs1")?.updatedAt == instant())
            }
        }
    }
}
