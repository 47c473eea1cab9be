import FCBRealtime
import FCBStore
import FCBSupport
import FCBTesting
import FlowEngine
import Foundation
import Synchronization
import Testing
import WhatsAppCloud

@testable import FCBPipeline

/// Units of work, group commit, read caches (docs/serve.md#units-of-work).
@Suite("Pipeline: units of work, group commit, read caches")
struct UnitOfWorkTests {
    @Test("one message whose flow sends twice: three commits — before each send and at the end", arguments: StoreBackendKind.available)
    func threeCommitsForTwoSends(kind: StoreBackendKind) async throws {
        try await PipelineHarness.with(kind, flows: PipelineFlowTests.menuFlow) { h in
            #expect(await h.post(Deliveries.text("hola", id: "wamid.U1")).status == 200)
            try await h.settle()
            // The inbox shows the item done as soon as the last commit lands; the committer counts
            // it a moment later.
            try await waitUntil { h.pipeline.workers.commits.units >= 3 }
            let commits = h.pipeline.workers.commits
            #expect(commits.units == 3)
            #expect(commits.transactions == 3)
            #expect(await h.sentTexts() == ["¡Hola! ¿En qué te ayudo?", "Elegí una opción"])
            // Committed with the last step: the item is done and its Log row is there.
            #expect(try await h.store.inboxCounts() == [.done: 1])
            let contact = try #require(try await h.contact(phone: "5491155550000"))
            #expect(try await h.store.logs(contactId: contact.id).map(\.status) == ["Sent"])
        }
    }

    @Test("concurrent contacts share commits; every message once, rows exact", arguments: StoreBackendKind.available)
    func concurrentContactsShareCommits(kind: StoreBackendKind) async throws {
        try await PipelineHarness.with(kind, flows: [(name: "Eco", trigger: "default", definition: TestFlows.echo)], workers: 8) { h in
            let contacts = 24
            // Each delivery posted twice at once (Meta retries): stored and answered once.
            await withTaskGroup(of: Int.self) { group in
                for contact in 0..<contacts {
                    let delivery = Deliveries.text("m\(contact)", from: "54911600\(String(format: "%05d", contact))", id: "wamid.C\(contact)")
                    for _ in 0..<2 { group.addTask { await h.post(delivery).status } }
                }
                for await status in group { #expect(status == 200) }
            }
            try await h.settle()
            let replies = await h.sentTexts()
            #expect(replies.count == contacts)
            #expect(Set(replies) == Set((0..<contacts).map { "eco: m\($0)" }))
            try await waitUntil { h.pipeline.workers.commits.units >= contacts * 2 }
            let commits = h.pipeline.workers.commits
            #expect(commits.units == contacts * 2)  // one before the send, one at the end
            #expect(commits.transactions <= commits.units)
            for contact in 0..<contacts {
                let row = try #require(try await h.contact(phone: "54911600\(String(format: "%05d", contact))"))
                #expect(try await h.store.messages(contactId: row.id).map(\.direction) == ["inbound", "outbound"])
                #expect(try await h.store.logs(contactId: row.id).count == 1)
            }
        }
    }

    @Test("a flow the dashboard edits is used for the next message within 2 s", arguments: StoreBackendKind.available)
    func flowEditsTakeEffectWithinTwoSeconds(kind: StoreBackendKind) async throws {
        try await PipelineHarness.with(kind, flows: [(name: "Eco", trigger: "default", definition: TestFlows.echo)]) { h in
            #expect(await h.post(Deliveries.text("uno", id: "wamid.F1")).status == 200)
            try await h.settle()
            #expect(await h.sentTexts() == ["eco: uno"])
            // The dashboard saves a new version of the flow in the shared database.
            var flow = try #require(try await h.store.activeFlows(userId: PipelineHarness.tenantId).first)
            flow.definition = [
                "nodes": [
                    ["id": "t", "type": "trigger", "data": ["keyword": "default"]],
                    ["id": "m", "type": "message", "data": ["text": "nuevo: {{triggerMessage}}"]],
                ],
                "edges": [["id": "e1", "source": "t", "target": "m"]],
            ]
            flow.updatedAt = Date()
            try await h.store.saveFlow(flow)
            try await Task.sleep(for: .seconds(2))
            #expect(await h.post(Deliveries.text("dos", id: "wamid.F2")).status == 200)
            try await h.settle()
            #expect(await h.sentTexts() == ["eco: uno", "nuevo: dos"])
        }
    }

    @Test("a rotated app secret is used for the next delivery within 2 s", arguments: StoreBackendKind.sql)
    func secretRotationTakesEffectWithinTwoSeconds(kind: StoreBackendKind) async throws {
        try await PipelineHarness.with(kind, flows: [(name: "Eco", trigger: "default", definition: TestFlows.echo)]) { h in
            let body = Array(Deliveries.text("hola", id: "wamid.S1").serialized().utf8)
            #expect(await h.post(body).status == 200)
            let sql = try #require(h.store as? SQLStore)
            try await sql.database.query(#"UPDATE "User" SET "metaAppSecret" = 'rotated-secret' WHERE "id" = \#(PipelineHarness.tenantId)"#)
            try await Task.sleep(for: .seconds(2))
            let again = Array(Deliveries.text("hola", id: "wamid.S2").serialized().utf8)
            #expect(await h.post(again).status == 401)
            #expect(await h.post(again, secret: "rotated-secret").status == 200)
        }
    }

    @Test("group commit: a unit whose lease was lost writes nothing; the others in its transaction commit", arguments: StoreBackendKind.available)
    func lostLeaseIsIsolated(kind: StoreBackendKind) async throws {
        try await withStore(kind) { store in
            let now = Date()
            let ids = try await store.enqueue(
                [
                    NewInboxItem(kind: .unrouted, dedupeKey: "g1", contactKey: "a", payload: [:]),
                    NewInboxItem(kind: .unrouted, dedupeKey: "g2", contactKey: "b", payload: [:]),
                ], receivedAt: now, requestId: nil
            ).compactMap { $0 }
            #expect(try await store.claim(limit: 2, worker: "w", now: now, lease: .seconds(30)).map(\.id) == ids)
            // Item 2 is taken over by another worker (its lease ran out, say).
            #expect(try await store.retry(id: ids[1], worker: "w", error: "x", availableAt: now))
            #expect(try await store.claim(limit: 2, worker: "other", now: now, lease: .seconds(30)).map(\.id) == [ids[1]])

            let committer = GroupCommitter(store: store, worker: "w")
            func unit(_ id: Int64, _ mark: String, finish: UnitOfWork.Finish? = nil) -> UnitCommit {
                UnitCommit(itemId: id, progress: .some(["mark": .string(mark)]), finish: finish, newSessions: [], sessionUpdates: [], writes: [])
            }
            async let first = committer.commit(unit(ids[0], "one"))
            async let second = committer.commit(unit(ids[1], "two"))
            let running = Task { await committer.run() }
            let outcomes = try await [first, second]
            running.cancel()
            await running.value
            guard case .committed = outcomes[0], case .leaseLost = outcomes[1] else {
                Issue.record("expected committed then leaseLost, got \(outcomes)")
                return
            }
            #expect(try await store.inboxItem(id: ids[0])?.progress == ["mark": "one"])
            #expect(try await store.inboxItem(id: ids[1])?.progress == nil)
            #expect(try await store.inboxItem(id: ids[1])?.state == .processing)
            #expect(committer.committed.units == 1)
        }
    }

    @Test("concurrent acks share one INSERT: each request gets its own ids, a repeated key is stored once", arguments: StoreBackendKind.available)
    func acksShareOneInsert(kind: StoreBackendKind) async throws {
        try await withStore(kind) { store in
            let batcher = AckBatcher(store: store)
            let now = Date()
            let answers = await withTaskGroup(of: (Int, [Int64?]).self) { group in
                for n in 0..<40 {
                    // Requests n and n+20 carry the same message (a retry racing the original).
                    let key = "ack-\(n % 20)"
                    group.addTask {
                        let items = [NewInboxItem(kind: .message, dedupeKey: key, contactKey: "c\(n % 20)", payload: ["n": .number(Double(n))])]
                        return (n, (try? await batcher.enqueue(InboxDelivery(items: items, receivedAt: now, requestId: "r\(n)"))) ?? [])
                    }
                }
                var all: [Int: [Int64?]] = [:]
                for await (n, ids) in group { all[n] = ids }
                return all
            }
            #expect(answers.count == 40 && answers.values.allSatisfy { $0.count == 1 })
            for n in 0..<20 {
                let pair = [answers[n]?.first ?? nil, answers[n + 20]?.first ?? nil]
                #expect(pair.compactMap { $0 }.count == 1, "key ack-\(n): \(pair)")
            }
            let counts = try await store.inboxCounts()
            #expect(counts == [.pending: 20])
        }
    }

    @Test func deadlineWatchdogExpiresOnlyWhatIsStillRegistered() async throws {
        let watchdog = DeadlineWatchdog(resolution: .milliseconds(10))
        let fired = Mutex<[String]>([])
        _ = watchdog.register(deadline: .now + .milliseconds(20)) { fired.withLock { $0.append("due") } }
        let cancelled = watchdog.register(deadline: .now + .milliseconds(20)) { fired.withLock { $0.append("cancelled") } }
        _ = watchdog.register(deadline: .now + .seconds(3600)) { fired.withLock { $0.append("later") } }
        watchdog.unregister(cancelled)
        let deadline = ContinuousClock.now + .seconds(10)
        while fired.withLock({ $0.isEmpty }) && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(50))
        #expect(fired.withLock { $0 } == ["due"])
        #expect(watchdog.pending == 1)

        // withDeadline through it: a slow operation times out, a fast one returns.
        await #expect(throws: StoreError(.unavailable, "too slow")) {
            try await withDeadline(.milliseconds(30), watchdog: watchdog, onTimeout: { StoreError(.unavailable, "too slow") }) {
                try await Task.sleep(for: .seconds(5))
            }
        }
        #expect(try await withDeadline(.seconds(5), watchdog: watchdog, onTimeout: { StoreError(.unavailable, "x") }) { 42 } == 42)
        #expect(watchdog.pending == 1)
    }

    @Test func ownEnvelopesAreRecognisedByTheirPrefix() {
        let events: [RealtimeEvent] = [
            .typingStart(contactId: "c", userId: "u"), .typingStop(contactId: "c", userId: "u"),
            .messageStatus(messageId: "m", waMessageId: "w", status: "Read", contactId: "c", userId: "u"),
        ]
        for event in events {
            let text = RealtimeEnvelope.encode(event, origin: "0123456789abcdef")
            #expect(text.hasPrefix(RealtimeEnvelope.prefix(origin: "0123456789abcdef")))
            #expect(!text.hasPrefix(RealtimeEnvelope.prefix(origin: "0123456789abcdee")))
        }
        #expect(RealtimeEnvelope.prefix(origin: "ab") == #"{"v":1,"origin":"ab","#)
    }
}
