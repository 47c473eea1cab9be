import FCBStore
import FCBSupport
import FCBTesting
import FlowEngine
import Foundation
import Testing

/// Replies Meta did not accept are deferred in the inbox and sent after the outage
/// (docs/serve.md#graph-outages), on the virtual clock.
@Suite("Pipeline: Graph API outages")
struct GraphOutageTests {
    static let eco = [(name: "Eco", trigger: "default", definition: TestFlows.echo)]
    static let a = "5491100000001"
    static let b = "5491100000002"

    @Test(
        "a reply Meta refuses waits in the inbox, the contact's later messages behind it, and is sent in order after the outage",
        arguments: StoreBackendKind.available)
    func outageThenRecovery(kind: StoreBackendKind) async throws {
        let clock = VirtualClock(start: Date(timeIntervalSince1970: 1_767_225_600))
        try await PipelineHarness.with(kind, flows: Self.eco, clock: clock) { h in
            await h.fake.add(FakeGraphRule(recipient: Self.a, edge: .messages, times: nil, reply: .status(503, body: "upstream unavailable")))
            await h.fake.add(FakeGraphRule(recipient: Self.a, edge: .messages, times: nil, reply: .graphError(code: 130429)))
            #expect(await h.post(Deliveries.text("a0", from: Self.a, id: "wamid.A0")).status == 200)
            #expect(await h.post(Deliveries.text("a1", from: Self.a, id: "wamid.A1")).status == 200)
            #expect(await h.post(Deliveries.text("b0", from: Self.b, id: "wamid.B0")).status == 200)
            // The other contact is answered; a0 is deferred and a1 waits behind it.
            try await waitUntil {
                let counts = try await h.store.inboxCounts()
                return counts[.processing] == nil && counts[.pending] == 2 && counts[.done] == 1
            }
            #expect(await h.sentTexts(to: Self.b) == ["eco: b0"])
            let contact = try #require(try await h.contact(phone: Self.a))
            #expect(try await h.store.messages(contactId: contact.id).map(\.direction) == ["inbound"])
            let session = try #require(try await h.store.sessions(contactId: contact.id).first)
            #expect(session.status == "Active")

            // Still down at the next attempt: deferred again, nothing recorded Failed.
            clock.advance(milliseconds: 10_000)
            h.pipeline.workers.wake()
            try await waitUntil { await h.fake.messageRequests(to: Self.a).count >= 4 }
            try await waitUntil { try await h.store.inboxCounts()[.processing] == nil }
            #expect(try await h.store.messages(contactId: contact.id).filter { $0.status == "Failed" }.isEmpty)

            await h.fake.clearRules()
            clock.advance(milliseconds: 120_000)
            h.pipeline.workers.wake()
            try await waitUntil { await h.fake.messageRequests(to: Self.a).filter { $0.responseStatus == 200 }.count == 2 }
            try await h.settle()
            let accepted = await h.fake.messageRequests(to: Self.a).filter { $0.responseStatus == 200 }
            #expect(accepted.compactMap { (try? JSONValue(parsing: $0.body))?["text"]?["body"]?.stringValue } == ["eco: a0", "eco: a1"])
            let rows = try await h.store.messages(contactId: contact.id)
            #expect(rows.map(\.direction) == ["inbound", "outbound", "inbound", "outbound"])
            #expect(rows.filter { $0.direction == "outbound" }.map(\.status) == ["Sent", "Sent"])
            #expect(try await h.store.sessions(contactId: contact.id).map(\.status) == ["Completed"])
        }
    }

    @Test("past the reply deadline the reply is recorded Failed with the reason and the contact's next message runs", arguments: [StoreBackendKind.sqlite])
    func deadline(kind: StoreBackendKind) async throws {
        let clock = VirtualClock(start: Date(timeIntervalSince1970: 1_767_225_600))
        try await PipelineHarness.with(kind, flows: Self.eco, clock: clock, replyDeadline: .seconds(60)) { h in
            await h.fake.add(FakeGraphRule(recipient: Self.a, edge: .messages, times: nil, reply: .status(503, body: "upstream unavailable")))
            #expect(await h.post(Deliveries.text("a0", from: Self.a, id: "wamid.A0")).status == 200)
            let contact = try #require(try await waitForContact(h))
            for _ in 0..<20 {
                try await waitUntil { try await h.store.inboxCounts()[.processing] == nil }
                if try await h.store.messages(contactId: contact.id).contains(where: { $0.status == "Failed" }) { break }
                clock.advance(milliseconds: 20_000)
                h.pipeline.workers.wake()
                try await Task.sleep(for: .milliseconds(50))
            }
            try await h.settle()
            let failed = try await h.store.messages(contactId: contact.id).filter { $0.status == "Failed" }
            // The clock moves in 20 s steps and a loaded machine may let two pass before the
            // worker looks: the reply gives up at the first look at or past 60 s.
            let error = try #require(failed.count == 1 ? failed[0].error : nil)
            let prefix = "upstream unavailable (not accepted by Meta for "
            let suffix = " s; gave up after FCB_REPLY_DEADLINE)"
            #expect(error.hasPrefix(prefix) && error.hasSuffix(suffix), "\(error)")
            let seconds = Int(error.dropFirst(prefix.count).dropLast(suffix.count)) ?? 0
            #expect((60...120).contains(seconds), "\(error)")
            #expect(try await h.store.inboxCounts()[.done] == 1)
        }
    }

    private func waitForContact(_ h: PipelineHarness) async throws -> ContactRecord? {
        try await waitUntil { try await h.contact(phone: Self.a) != nil }
        return try await h.contact(phone: Self.a)
    }
}
