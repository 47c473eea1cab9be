import Foundation
import Testing

@testable import FCBRealtime
@testable import FlowEngine

/// The polling → WebSocket upgrade as engine.io-client performs it (docs/realtime.md#upgrade):
/// it keeps a GET in flight, opens the WebSocket, sends `2probe`, and on `3probe` pauses
/// polling: it waits for the GET in flight to return, and only then sends `5`. A GET held by
/// the server would stall the upgrade until the next ping (25 s).
@Suite("Engine.IO: the upgrade as engine.io-client does it")
struct EngineIOUpgradeTests {
    static func plan(_ h: RealtimeHarness, _ sid: String) throws -> EngineIOWebSocketPlan {
        try h.engine.webSocketPlan(query: RealtimeHarness.query("EIO=4&transport=websocket&sid=\(sid)"), headers: [:], remoteAddress: nil).get()
    }

    /// A probe WebSocket for session `sid` that has sent `2probe` and read `3probe`.
    static func probe(_ h: RealtimeHarness, _ sid: String) async throws -> (FakeWebSocket, Task<Void, Never>) {
        let ws = FakeWebSocket()
        let served = ws.serve(try plan(h, sid), on: h.engine)
        ws.client("2probe")
        try await ws.waitForPackets(1)
        #expect(ws.received == ["3probe"])
        return (ws, served)
    }

    @Test("30 upgrades in turn: every GET during the probe ends with a noop, every upgrade completes, nothing waits for a ping")
    func engineIOClientAlgorithm() async throws {
        // Default ping interval (25 s): a held GET would come back as "2", not "6".
        let h = RealtimeHarness()
        for round in 0..<30 {
            let (sid, _) = try await h.connect()
            // The GET in flight when the WebSocket opens.
            let first = Task { await h.poll(sid) }
            try await waitUntil { h.engine.session(id: sid)?.state.withLock { $0.consumer != nil } ?? false }
            let (ws, served) = try await Self.probe(h, sid)
            // The GET in flight returns; a client that has not read 3probe yet polls again at
            // once (the GET the issue saw held), and on 3probe waits for that one too.
            #expect(await first.value.text == "6", "round \(round)")
            #expect(await h.poll(sid).text == "6", "round \(round)")
            ws.client("5")
            try await waitUntil { h.engine.session(id: sid)?.transport == .websocket }
            // Packets now go through the WebSocket.
            h.engine.session(id: sid)?.send(EngineIOPacket(.message, "2[\"after\"]"))
            try await ws.waitForPackets(2)
            #expect(ws.received == ["3probe", #"42["after"]"#], "round \(round)")
            ws.clientCloses()
            await served.value
        }
        #expect(h.engine.sessionCount == 0)
    }

    @Test("a GET that arrives after 2probe, with none in flight before, ends with a noop too")
    func getAfterProbe() async throws {
        let h = RealtimeHarness()
        let (sid, _) = try await h.connect()
        let (ws, served) = try await Self.probe(h, sid)
        #expect(await h.poll(sid).text == "6")
        #expect(await h.poll(sid).text == "6")
        ws.client("5")
        try await waitUntil { h.engine.session(id: sid)?.transport == .websocket }
        ws.clientCloses()
        await served.value
    }

    @Test("packets queued during the probe still go to the held GET, not a noop")
    func packetsDuringProbe() async throws {
        let h = RealtimeHarness()
        let (sid, _) = try await h.connect()
        let (ws, served) = try await Self.probe(h, sid)
        h.engine.session(id: sid)?.send(EngineIOPacket(.message, "2[\"queued\"]"))
        #expect(await h.poll(sid).text == #"42["queued"]"#)
        ws.clientCloses()
        await served.value
        #expect(h.engine.session(id: sid)?.transport == .polling)
    }

    @Test("a 5 right behind the 2probe wins over a GET in flight: the GET is refused like any poll after the upgrade")
    func upgradeRightBehindProbe() async throws {
        let h = RealtimeHarness()
        let (sid, _) = try await h.connect()
        let held = Task { await h.poll(sid) }
        try await waitUntil { h.engine.session(id: sid)?.state.withLock { $0.consumer != nil } ?? false }
        let ws = FakeWebSocket()
        let served = ws.serve(try Self.plan(h, sid), on: h.engine)
        ws.client("2probe")
        ws.client("5")
        try await waitUntil { h.engine.session(id: sid)?.transport == .websocket }
        let answer = await held.value
        // Either the noop came first (the 50 ms hold passed) or the upgrade did; never a ping.
        #expect(answer.text == "6" || answer.status == 400, "\(answer.status) \(answer.text)")
        #expect(await h.poll(sid).status == 400)
        #expect(h.engine.sessionCount == 1)
        ws.clientCloses()
        await served.value
    }

    @Test("a second probe while one is under way is accepted and closed; the first goes on")
    func secondProbe() async throws {
        let h = RealtimeHarness()
        let (sid, _) = try await h.connect()
        let (ws, served) = try await Self.probe(h, sid)
        let intruder = FakeWebSocket()
        await intruder.serve(try Self.plan(h, sid), on: h.engine).value
        #expect(intruder.received.isEmpty)
        ws.client("5")
        try await waitUntil { h.engine.session(id: sid)?.transport == .websocket }
        ws.clientCloses()
        await served.value
    }
}
