import Foundation
import Testing

@testable import FCBRealtime
@testable import FlowEngine

/// Namespaces and binary attachments, on the protocol suites' test namespaces (`ConformanceNamespace`).
@Suite("Socket.IO: namespaces and binary attachments")
struct SocketIOBinaryTests {
    static func plan(_ h: RealtimeHarness) throws -> EngineIOWebSocketPlan {
        try h.engine.webSocketPlan(query: RealtimeHarness.query("EIO=4&transport=websocket"), headers: [:], remoteAddress: nil).get()
    }

    /// A WebSocket session connected to `/`; returns it once the CONNECT answer and `auth` arrived.
    static func connected(_ h: RealtimeHarness) async throws -> (FakeWebSocket, Task<Void, Never>) {
        let ws = FakeWebSocket()
        let served = ws.serve(try plan(h), on: h.engine)
        try await ws.waitForPackets(1)
        ws.client("40")
        try await ws.waitForPackets(3)
        #expect(ws.received.last == #"42["auth",{}]"#)
        return (ws, served)
    }

    @Test("a binary event is reassembled from its attachments and echoed with the same placeholders and bytes (the spec's example)")
    func binaryEventOverWebSocket() async throws {
        let h = RealtimeHarness.conformance()
        let (ws, served) = try await Self.connected(h)
        ws.client(#"452-["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]"#)
        ws.clientBinary([1, 2, 3])
        ws.clientBinary([4, 5, 6])
        try await ws.waitForPackets(6)
        #expect(
            Array(ws.received.suffix(3)) == [
                #"452-["message-back",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]"#,
                EngineIOPacket.binary([1, 2, 3]).encoded(), EngineIOPacket.binary([4, 5, 6]).encoded(),
            ])
        // A binary event with an ack is answered with a BINARY_ACK.
        ws.client(#"452-789["message-with-ack",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]"#)
        ws.clientBinary([7])
        ws.clientBinary([])
        try await ws.waitForPackets(9)
        #expect(
            Array(ws.received.suffix(3)) == [
                #"462-789[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]"#, EngineIOPacket.binary([7]).encoded(),
                EngineIOPacket.binary([]).encoded(),
            ])
        ws.clientCloses()
        await served.value
    }

    @Test("over polling the attachments travel as base64 records of the same body or of later POSTs")
    func binaryEventOverPolling() async throws {
        let h = RealtimeHarness.conformance()
        let (sid, answer) = try await h.connect()
        #expect(answer.hasSuffix(#"42["auth",{}]"#))
        #expect(await h.send(sid, "451-[\"message\",{\"_placeholder\":true,\"num\":0},\"x\"]\u{1E}bAQID").text == "ok")
        #expect(await h.poll(sid).text == "451-[\"message-back\",{\"_placeholder\":true,\"num\":0},\"x\"]\u{1E}bAQID")
        // Split across two POSTs.
        #expect(await h.send(sid, #"451-3["message-with-ack",{"_placeholder":true,"num":0}]"#).text == "ok")
        #expect(await h.send(sid, "bBAU=").text == "ok")
        #expect(await h.poll(sid).text == "461-3[{\"_placeholder\":true,\"num\":0}]\u{1E}bBAU=")
    }

    @Test(
        "binary abuse closes only the offending session: a text packet before the attachments, a stray attachment, too many, too large, a bad placeholder",
        arguments: ["text-before-attachments", "stray-attachment", "too-many", "too-large", "bad-placeholder"])
    func binaryAbuse(kind: String) async throws {
        let h = RealtimeHarness.conformance(sockets: SocketIOSettings(maxPayload: 100))
        let (bystander, bystanderServed) = try await Self.connected(h)
        let (ws, served) = try await Self.connected(h)
        switch kind {
        case "text-before-attachments":
            ws.client(#"452-["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]"#)
            ws.clientBinary([1])
            ws.client(#"42["message","too soon"]"#)
        case "stray-attachment":
            ws.clientBinary([1, 2, 3])
        case "too-many":
            ws.client("465-[\"message\"]")
        case "too-large":
            ws.client(#"451-["message",{"_placeholder":true,"num":0}]"#)
            ws.clientBinary([UInt8](repeating: 7, count: 80))
        default:
            ws.client(#"451-["message",{"_placeholder":true,"num":5}]"#)
        }
        await served.value
        #expect(h.engine.sessionCount == 1)
        #expect(!ws.received.contains { $0.hasPrefix("42[\"message-back\"") })
        // The other session is untouched.
        bystander.client(#"42["message","still here"]"#)
        try await bystander.waitForPackets(4)
        #expect(bystander.received.last == #"42["message-back","still here"]"#)
        bystander.clientCloses()
        await bystanderServed.value
    }

    @Test("namespaces: /custom without its comma connects, DISCONNECT of it leaves / connected, an unknown one gets Invalid namespace")
    func namespaces() async throws {
        let h = RealtimeHarness.conformance()
        let sid = try await h.open()
        #expect(await h.send(sid, "40\u{1E}40/custom\u{1E}40/random").text == "ok")
        let answers = await h.poll(sid).text.split(separator: "\u{1E}").map(String.init)
        #expect(answers.count == 5)
        #expect(answers[0].hasPrefix(#"40{"sid":"#) && answers[1] == #"42["auth",{}]"#)
        #expect(answers[2].hasPrefix(#"40/custom,{"sid":"#) && answers[3] == #"42/custom,["auth",{}]"#)
        #expect(answers[4] == #"44/random,{"message":"Invalid namespace"}"#)
        #expect(h.sockets.connectedCount == 2)
        #expect(await h.send(sid, "41/custom\u{1E}42[\"message\",1]").text == "ok")
        #expect(await h.poll(sid).text == #"42["message-back",1]"#)
        #expect(h.sockets.connectedCount == 1)
        // An event for the namespace it left ends the connection, as socket.io does.
        #expect(await h.send(sid, #"42/custom,["message",1]"#).text == "ok")
        #expect(h.engine.sessionCount == 0)
    }

    @Test("a second CONNECT to a namespace already connected ends the connection, as socket.io does")
    func duplicateConnect() async throws {
        let h = RealtimeHarness.conformance()
        let (sid, _) = try await h.connect()
        #expect(await h.send(sid, "40").text == "ok")
        #expect(h.engine.sessionCount == 0)
    }

    @Test("rooms are per namespace: an emit to a room of / does not reach the same room name in /custom")
    func roomsPerNamespace() async throws {
        let h = RealtimeHarness.conformance()
        let sid = try await h.open()
        _ = await h.send(sid, "40/custom,")
        _ = await h.poll(sid)
        let socket = try #require(h.sockets.state.withLock { s in s.connections[sid]?.sockets["/custom"] })
        let session = try #require(h.engine.session(id: sid))
        let handle = SocketIOSocket(id: socket.id, namespace: "/custom", principal: nil, session: session, server: h.sockets)
        #expect(handle.join("lobby") == .joined)
        #expect(h.sockets.emit("news", [1], toRoom: "lobby") == 0)
        #expect(h.sockets.emit("news", [1], toRoom: "lobby", namespace: "/custom") == 1)
        #expect(await h.poll(sid).text == #"42/custom,["news",1]"#)
    }
}
