import Foundation
import Testing

@testable import FCBRealtime
@testable import FlowEngine

/// The WebSocket transport in process: direct sessions, the polling → WebSocket upgrade, and
/// bad frames. (Real sockets and a real client: the python-socketio interop tests.)
@Suite("Engine.IO: WebSocket and upgrade")
struct EngineIOWebSocketTests {
    static func plan(_ h: RealtimeHarness, _ query: String, headers: [String: String] = [:]) throws -> EngineIOWebSocketPlan {
        try h.engine.webSocketPlan(query: RealtimeHarness.query(query), headers: headers, remoteAddress: nil).get()
    }

    @Test("a direct WebSocket session: open packet with no upgrades, CONNECT, join, events, client close")
    func direct() async throws {
        let h = RealtimeHarness()
        let ws = FakeWebSocket()
        let served = ws.serve(try Self.plan(h, "EIO=4&transport=websocket"), on: h.engine)
        try await ws.waitForPackets(1)
        let open = try #require(ws.received.first)
        let sid = try #require(try JSONParser().parse(Array(open.utf8.dropFirst())).jsonValue["sid"]?.stringValue)
        #expect(open == #"0{"sid":"\#(sid)","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}"#)
        ws.client("40")
        ws.client(#"421["join:conversation","c1"]"#)
        try await ws.waitForPackets(3)
        #expect(ws.received.dropFirst(2).first == #"431[{"ok":true,"room":"conversation:c1"}]"#)
        h.sockets.emit(.typingStop(contactId: "c1", userId: "u1"))
        try await ws.waitForPackets(4)
        #expect(ws.received.dropFirst(3).first == #"42["typing:stop",{"contactId":"c1"}]"#)
        // Polling a WebSocket session is refused.
        #expect(await h.poll(sid).status == 400)
        ws.clientCloses()
        await served.value
        #expect(h.engine.sessionCount == 0)
        #expect(h.sockets.roomCount == 0)
    }

    @Test("upgrade: probe, pending poll released with noop, upgrade; events queued meanwhile arrive once, in order")
    func upgradeLosesNothing() async throws {
        let h = RealtimeHarness()
        let (sid, _) = try await h.connect()
        _ = await h.send(sid, #"421["join:conversation","c1"]"#)
        #expect(await h.poll(sid).text == #"431[{"ok":true,"room":"conversation:c1"}]"#)
        let held = Task { await h.poll(sid) }
        try await waitUntil { h.engine.session(id: sid)?.state.withLock { $0.consumer != nil } ?? true }

        let ws = FakeWebSocket()
        let served = ws.serve(try Self.plan(h, "EIO=4&transport=websocket&sid=\(sid)"), on: h.engine)
        ws.client("2probe")
        try await ws.waitForPackets(1)
        #expect(ws.received == ["3probe"])
        #expect(await held.value.text == "6")
        // Events while the client is between probe and upgrade: queued, not lost.
        for i in 1...3 { h.sockets.emit("typing:start", ["n": .number(Double(i))], toRoom: "conversation:c1") }
        ws.client("5")
        try await ws.waitForPackets(4)
        #expect(ws.received == ["3probe"] + (1...3).map { #"42["typing:start",{"n":\#($0)}]"# })
        #expect(h.engine.session(id: sid)?.transport == .websocket)
        #expect(await h.poll(sid).status == 400)
        #expect(await h.send(sid, "40").status == 400)
        // A second WebSocket for the upgraded session is accepted and closed at once (as the
        // reference server does); the session goes on.
        let second = try Self.plan(h, "EIO=4&transport=websocket&sid=\(sid)")
        guard case .alreadyUpgraded = second else { throw HarnessError("a second WebSocket was planned as \(second)") }
        let extra = FakeWebSocket()
        await extra.serve(second, on: h.engine).value
        #expect(extra.received.isEmpty)
        #expect(h.engine.session(id: sid)?.transport == .websocket)
        ws.clientCloses()
        await served.value
        #expect(h.engine.sessionCount == 0)
    }

    @Test("a failed probe leaves the session on polling")
    func badProbe() async throws {
        let h = RealtimeHarness()
        let (sid, _) = try await h.connect()
        let ws = FakeWebSocket()
        let served = ws.serve(try Self.plan(h, "EIO=4&transport=websocket&sid=\(sid)"), on: h.engine)
        ws.client("hello")
        await served.value
        #expect(h.engine.session(id: sid)?.transport == .polling)
        #expect(h.engine.sessionCount == 1)
        h.sockets.emit("typing:start", ["contactId": "c1"], toRoom: "none")
        // It can still upgrade later.
        let again = FakeWebSocket()
        let second = again.serve(try Self.plan(h, "EIO=4&transport=websocket&sid=\(sid)"), on: h.engine)
        again.client("2probe")
        again.client("5")
        try await waitUntil { h.engine.session(id: sid)?.transport == .websocket }
        again.clientCloses()
        await second.value
    }

    @Test("a probing WebSocket that goes away ends at once, not at the upgrade timeout; the session stays on polling")
    func probeClientGone() async throws {
        let h = RealtimeHarness(engine: EngineIOSettings(upgradeTimeout: .seconds(120)))
        let (sid, _) = try await h.connect()
        let ws = FakeWebSocket()
        let served = ws.serve(try Self.plan(h, "EIO=4&transport=websocket&sid=\(sid)"), on: h.engine)
        ws.client("2probe")
        try await ws.waitForPackets(1)
        let start = ContinuousClock.now
        ws.clientCloses()
        await served.value
        #expect(ContinuousClock.now - start < .seconds(60))
        #expect(h.engine.session(id: sid)?.transport == .polling)
        #expect(h.engine.sessionCount == 1)
    }

    @Test("an upgrade that never completes times out: the heartbeat sweep closes the probe; the session stays on polling")
    func upgradeTimeout() async throws {
        let h = RealtimeHarness(engine: EngineIOSettings(upgradeTimeout: .milliseconds(50)))
        let heartbeat = Task { await h.engine.runHeartbeat() }
        defer { heartbeat.cancel() }
        let (sid, _) = try await h.connect()
        let ws = FakeWebSocket()
        let served = ws.serve(try Self.plan(h, "EIO=4&transport=websocket&sid=\(sid)"), on: h.engine)
        ws.client("2probe")
        await served.value
        #expect(ws.closedByServer.withLock { $0 })
        #expect(h.engine.session(id: sid)?.transport == .polling)
        #expect(h.engine.session(id: sid)?.state.withLock { $0.probe == nil } == true)
    }

    @Test("a WebSocket session closed by the server closes its WebSocket, which ends the task reading it")
    func serverCloseEndsTheReader() async throws {
        let h = RealtimeHarness()
        let ws = FakeWebSocket()
        let served = ws.serve(try Self.plan(h, "EIO=4&transport=websocket"), on: h.engine)
        try await ws.waitForPackets(1)
        let open = try #require(ws.received.first)
        let sid = try #require(try JSONParser().parse(Array(open.utf8.dropFirst())).jsonValue["sid"]?.stringValue)
        let session = try #require(h.engine.session(id: sid))
        session.close(.serverClose)
        await served.value
        #expect(ws.closedByServer.withLock { $0 })
        #expect(h.engine.sessionCount == 0)
    }

    @Test("bad frames end the session: malformed text, oversize text, binary messages", arguments: ["malformed", "oversize", "binary"])
    func badFrames(kind: String) async throws {
        let h = RealtimeHarness(engine: EngineIOSettings(maxPayload: 100))
        let ws = FakeWebSocket()
        let served = ws.serve(try Self.plan(h, "EIO=4&transport=websocket"), on: h.engine)
        ws.client("40")
        try await ws.waitForPackets(2)
        switch kind {
        case "malformed": ws.client("x")
        case "oversize": ws.client("42" + String(repeating: "x", count: 100))
        default: ws.clientBinary([1, 2, 3])
        }
        await served.value
        #expect(h.engine.sessionCount == 0)
        #expect(h.sockets.clientCount == 0)
    }

    @Test("WebSocket sessions are pinged; a pong re-arms the next ping")
    func webSocketPing() async throws {
        // The pong timeout is a hang guard here: nothing may race the sweep on a loaded machine.
        let h = RealtimeHarness(engine: EngineIOSettings(pingInterval: .milliseconds(20), pingTimeout: .seconds(60)))
        let heartbeat = Task { await h.engine.runHeartbeat() }
        defer { heartbeat.cancel() }
        let ws = FakeWebSocket()
        let served = ws.serve(try Self.plan(h, "EIO=4&transport=websocket"), on: h.engine)
        try await ws.waitForPackets(2)
        #expect(ws.received.dropFirst().first == "2")
        ws.client("3")
        try await ws.waitForPackets(3)
        #expect(ws.received.dropFirst(2).first == "2")
        ws.clientCloses()
        await served.value
        #expect(h.engine.sessionCount == 0)
    }

    @Test("a WebSocket session that never answers a ping is closed")
    func webSocketPingTimeout() async throws {
        let h = RealtimeHarness(engine: EngineIOSettings(pingInterval: .milliseconds(10), pingTimeout: .milliseconds(10)))
        let heartbeat = Task { await h.engine.runHeartbeat() }
        defer { heartbeat.cancel() }
        let ws = FakeWebSocket()
        let served = ws.serve(try Self.plan(h, "EIO=4&transport=websocket"), on: h.engine)
        await served.value
        #expect(ws.received.dropFirst().first == "2")
        #expect(h.engine.sessionCount == 0)
    }

    @Test("a WebSocket from a refused origin is not upgraded")
    func refusedOrigin() throws {
        let h = RealtimeHarness(engine: EngineIOSettings(allowedOrigins: ["https://dash.example.com"]))
        #expect(throws: EngineIORequestError.forbidden) {
            try Self.plan(h, "EIO=4&transport=websocket", headers: ["origin": "https://evil.example.net", "host": "fcb.example.com"])
        }
        #expect(throws: EngineIORequestError.unknownSid) { try Self.plan(h, "EIO=4&transport=websocket&sid=nope") }
        _ = try Self.plan(h, "EIO=4&transport=websocket", headers: ["origin": "https://dash.example.com"])
    }

    @Test("emits reach a WebSocket session's writer directly: one write per send, every packet once, in order")
    func directWrites() async throws {
        let h = RealtimeHarness()
        let ws = FakeWebSocket()
        let served = ws.serve(try Self.plan(h, "EIO=4&transport=websocket"), on: h.engine)
        ws.client("40")
        ws.client(#"421["join:conversation","c1"]"#)
        try await ws.waitForPackets(3)
        let writesBefore = ws.writeCount
        for i in 1...200 { h.sockets.emit("typing:start", ["n": .number(Double(i))], toRoom: "conversation:c1") }
        // Written synchronously by `emit`: nothing waits for a task.
        #expect(ws.received.count == 203)
        #expect(Array(ws.received.dropFirst(3)) == (1...200).map { #"42["typing:start",{"n":\#($0)}]"# })
        #expect(ws.writeCount == writesBefore + 200)
        ws.clientCloses()
        await served.value
        #expect(h.engine.sessionCount == 0)
    }

    @Test("a WebSocket whose socket stops taking packets is disconnected past maxBufferedPackets")
    func webSocketSlowConsumer() async throws {
        let h = RealtimeHarness(engine: EngineIOSettings(maxBufferedPackets: 10))
        let ws = FakeWebSocket()
        let served = ws.serve(try Self.plan(h, "EIO=4&transport=websocket"), on: h.engine)
        ws.client("40")
        ws.client(#"421["join:conversation","c1"]"#)
        try await ws.waitForPackets(3)
        ws.unwritten.withLock { $0 = 9 }
        #expect(h.sockets.emit("typing:start", ["n": 1], toRoom: "conversation:c1") == 1)
        ws.unwritten.withLock { $0 = 10 }
        #expect(h.sockets.emit("typing:start", ["n": 2], toRoom: "conversation:c1") == 0)
        await served.value
        #expect(ws.received.count == 4)
        #expect(h.engine.sessionCount == 0)
        #expect(h.sockets.members(ofRoom: "conversation:c1") == 0)
    }

    @Test("connection counts return to zero after a thousand clients come and go")
    func noLeak() async throws {
        let h = RealtimeHarness()
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<1000 {
                group.addTask {
                    let ws = FakeWebSocket()
                    guard let plan = try? Self.plan(h, "EIO=4&transport=websocket") else { return }
                    let served = ws.serve(plan, on: h.engine)
                    ws.client("40")
                    ws.client(#"421["join:conversation","c\#(i % 10)"]"#)
                    if i % 2 == 0 { ws.client("41") }
                    ws.clientCloses()
                    await served.value
                }
            }
        }
        #expect(h.engine.sessionCount == 0)
        #expect(h.sockets.clientCount == 0)
        #expect(h.sockets.roomCount == 0)
    }
}
