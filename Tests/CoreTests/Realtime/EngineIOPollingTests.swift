import Foundation
import Testing

@testable import FCBRealtime
@testable import FlowEngine

/// Engine.IO v4 over HTTP long-polling, in process (the HTTP layer only copies these values).
@Suite("Engine.IO: polling, errors, heartbeat")
struct EngineIOPollingTests {
    @Test("the handshake is an open packet with the reference server's fields and values")
    func handshake() async throws {
        let h = RealtimeHarness()
        let response = await h.get("EIO=4&transport=polling&t=Nxyz")
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "text/plain; charset=UTF-8")
        let text = response.text
        #expect(text.hasPrefix("0{\"sid\":\""))
        let json = try JSONParser().parse(Array(text.utf8.dropFirst())).jsonValue
        let sid = try #require(json["sid"]?.stringValue)
        #expect(sid.count == 20)
        #expect(text == #"0{"sid":"\#(sid)","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}"#)
        #expect(h.engine.sessionCount == 1)
        #expect(h.sockets.clientCount == 1)
    }

    @Test(
        "bad requests get the reference error codes",
        arguments: [
            ("transport=polling", 400, #"{"code":5,"message":"Unsupported protocol version"}"#),
            ("EIO=3&transport=polling", 400, #"{"code":5,"message":"Unsupported protocol version"}"#),
            ("EIO=4&EIO=4&transport=polling", 400, #"{"code":5,"message":"Unsupported protocol version"}"#),
            ("EIO=4", 400, #"{"code":0,"message":"Transport unknown"}"#),
            ("EIO=4&transport=flash", 400, #"{"code":0,"message":"Transport unknown"}"#),
            ("EIO=4&transport=polling&sid=nope", 400, #"{"code":1,"message":"Session ID unknown"}"#),
            ("EIO=4&transport=websocket", 400, #"{"code":3,"message":"Bad request"}"#),
        ])
    func errors(query: String, status: Int, body: String) async {
        let h = RealtimeHarness()
        let response = await h.get(query)
        #expect(response.status == status)
        #expect(response.text == body)
        #expect(response.headers["content-type"] == "application/json")
        #expect(h.engine.sessionCount == 0)
    }

    @Test("a handshake by POST is refused")
    func handshakeByPost() async {
        let h = RealtimeHarness()
        let response = await h.post("EIO=4&transport=polling", "40")
        #expect(response.status == 400)
        #expect(response.text == #"{"code":2,"message":"Bad handshake method"}"#)
    }

    @Test("CORS: FRONTEND_URL origins get credentials headers, others are refused, same-origin and no-origin pass")
    func cors() async throws {
        let h = RealtimeHarness(engine: EngineIOSettings(allowedOrigins: ["https://dash.example.com"]))
        let allowed = await h.get("EIO=4&transport=polling", headers: ["origin": "https://dash.example.com"])
        #expect(allowed.status == 200)
        #expect(allowed.headers["access-control-allow-origin"] == "https://dash.example.com")
        #expect(allowed.headers["access-control-allow-credentials"] == "true")
        let refused = await h.get("EIO=4&transport=polling", headers: ["origin": "https://evil.example.net"])
        #expect(refused.status == 403)
        #expect(refused.text == #"{"code":4,"message":"Forbidden"}"#)
        #expect(refused.headers["access-control-allow-origin"] == nil)
        let sameOrigin = await h.get("EIO=4&transport=polling", headers: ["origin": "http://127.0.0.1:3000", "host": "127.0.0.1:3000"])
        #expect(sameOrigin.status == 200)
        let noOrigin = await h.get("EIO=4&transport=polling")
        #expect(noOrigin.status == 200)

        let preflight = await h.engine.handlePolling(
            EngineIOHTTPRequest(
                method: "OPTIONS", query: [:], headers: ["origin": "https://dash.example.com", "access-control-request-headers": "content-type"]))
        #expect(preflight.status == 204)
        #expect(preflight.headers["access-control-allow-methods"] == "GET, POST, OPTIONS")
        #expect(preflight.headers["access-control-allow-headers"] == "content-type")
        #expect(preflight.headers["access-control-allow-credentials"] == "true")
        let badPreflight = await h.engine.handlePolling(EngineIOHTTPRequest(method: "OPTIONS", query: [:], headers: ["origin": "https://evil.example.net"]))
        #expect(badPreflight.status == 403)
        #expect(h.engine.sessionCount == 3)
    }

    @Test("a POSTed CONNECT is answered on the next GET; several packets share one body")
    func postAndGet() async throws {
        let h = RealtimeHarness()
        let (sid, answer) = try await h.connect()
        #expect(answer.hasPrefix(#"40{"sid":""#))
        #expect(h.sockets.connectedCount == 1)
        let posted = await h.send(sid, "421[\"join:conversation\",\"c1\"]\u{1E}422[\"join:conversation\",\"c2\"]")
        #expect(posted.status == 200)
        #expect(posted.text == "ok")
        #expect(posted.headers["content-type"] == "text/html")
        let acks = await h.poll(sid)
        #expect(acks.text == "431[{\"ok\":true,\"room\":\"conversation:c1\"}]\u{1E}432[{\"ok\":true,\"room\":\"conversation:c2\"}]")
        #expect(h.sockets.members(ofRoom: "conversation:c1") == 1)
    }

    @Test("overlapping GETs: 400 and the session is closed")
    func overlappingPolls() async throws {
        let h = RealtimeHarness()
        let sid = try await h.open()
        let first = Task { await h.poll(sid) }
        try await waitUntil { h.engine.session(id: sid)?.state.withLock { $0.consumer != nil } ?? true }
        let second = await h.poll(sid)
        #expect(second.status == 400)
        #expect(second.text == #"{"code":3,"message":"Bad request"}"#)
        // The held poll is told the session is over.
        #expect(await first.value.text == "1")
        #expect(h.engine.sessionCount == 0)
        #expect(h.sockets.clientCount == 0)
    }

    @Test("bad POST bodies close the session", arguments: ["9x", "", "40\u{1E}", "bnot base64!", "4\u{FFFF}\u{1E}x"])
    func badBodies(body: String) async throws {
        let h = RealtimeHarness()
        let sid = try await h.open()
        let response = await h.send(sid, body)
        #expect(response.status == 400)
        #expect(h.engine.sessionCount == 0)
        #expect(await h.poll(sid).text == #"{"code":1,"message":"Session ID unknown"}"#)
    }

    @Test("an oversize POST is 413 and closes the session; maxPayload is what the handshake said")
    func oversize() async throws {
        let h = RealtimeHarness(engine: EngineIOSettings(maxPayload: 64))
        let sid = try await h.open()
        let tooLarge = await h.engine.handlePolling(
            EngineIOHTTPRequest(method: "POST", query: RealtimeHarness.query("EIO=4&transport=polling&sid=\(sid)"), body: .tooLarge))
        #expect(tooLarge.status == 413)
        #expect(h.engine.sessionCount == 0)
        let sid2 = try await h.open()
        let justOver = await h.send(sid2, "4" + String(repeating: "x", count: 64))
        #expect(justOver.status == 400)
        #expect(h.engine.sessionCount == 0)
    }

    @Test("the server pings, a pong re-arms the ping one interval later")
    func heartbeat() async throws {
        // The pong timeout is a hang guard: nothing may race the sweep on a loaded machine.
        let h = RealtimeHarness(engine: EngineIOSettings(pingInterval: .milliseconds(20), pingTimeout: .seconds(60)))
        let heartbeat = Task { await h.engine.runHeartbeat() }
        defer { heartbeat.cancel() }
        let sid = try await h.open()
        #expect(await h.poll(sid).text == "2")
        #expect(await h.send(sid, "3").text == "ok")
        #expect(await h.poll(sid).text == "2")
        #expect(h.engine.sessionCount == 1)
    }

    @Test("a missing pong closes the session")
    func pingTimeout() async throws {
        let h = RealtimeHarness(engine: EngineIOSettings(pingInterval: .milliseconds(10), pingTimeout: .milliseconds(10)))
        let heartbeat = Task { await h.engine.runHeartbeat() }
        defer { heartbeat.cancel() }
        _ = try await h.open()
        let deadline = ContinuousClock.now + .seconds(60)
        while h.engine.sessionCount > 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(h.engine.sessionCount == 0)
        #expect(h.sockets.clientCount == 0)
    }

    @Test("a session that never sends CONNECT is closed after the connect timeout")
    func connectTimeout() async throws {
        let h = RealtimeHarness(sockets: SocketIOSettings(connectTimeout: .milliseconds(100)))
        let sweeper = Task { await h.sockets.runConnectTimeouts() }
        defer { sweeper.cancel() }
        _ = try await h.open()
        let deadline = ContinuousClock.now + .seconds(60)
        while h.engine.sessionCount > 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(h.engine.sessionCount == 0)
        #expect(h.sockets.clientCount == 0)
    }

    @Test("the client's close packet ends the session")
    func clientClose() async throws {
        let h = RealtimeHarness()
        let (sid, _) = try await h.connect()
        #expect(await h.send(sid, "1").text == "ok")
        #expect(h.engine.sessionCount == 0)
        #expect(h.sockets.connectedCount == 0)
        #expect(await h.poll(sid).status == 400)
    }

    @Test("shutdown closes every session (held polls answer at once) and refuses new ones")
    func shutdown() async throws {
        let h = RealtimeHarness()
        let sid = try await h.open()
        let held = Task { await h.poll(sid) }
        try await waitUntil { h.engine.session(id: sid)?.state.withLock { $0.consumer != nil } ?? true }
        h.engine.shutdown()
        #expect(await held.value.text == "1")
        let refused = await h.get("EIO=4&transport=polling")
        #expect(refused.status == 503)
        #expect(h.engine.sessionCount == 0)
    }

    @Test("a slow client whose outbox overflows is disconnected")
    func slowConsumer() async throws {
        let h = RealtimeHarness(engine: EngineIOSettings(maxBufferedPackets: 10))
        let (sid, _) = try await h.connect()
        #expect(await h.send(sid, "421[\"join:conversation\",\"c1\"]").text == "ok")
        for i in 0..<11 { h.sockets.emit("typing:start", ["contactId": .string("c\(i)")], toRoom: "conversation:c1") }
        #expect(h.engine.sessionCount == 0)
        #expect(h.sockets.members(ofRoom: "conversation:c1") == 0)
    }
}
