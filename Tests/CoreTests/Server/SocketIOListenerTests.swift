import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Testing

@testable import FCBRealtime
@testable import FlowEngine

/// `/socket.io/` through the real Hummingbird server: routes, body limits, the separate
/// `WEBSOCKET_PORT` listener, and a graceful shutdown with a poll held open.
@Suite("Socket.IO on the HTTP server")
struct SocketIOListenerTests {
    static func realtime(maxPayload: Int = 1_000_000, path: String = EngineIOSettings.defaultPath, events: EventBus = EventBus()) -> RealtimeServer {
        RealtimeServer(
            engineSettings: EngineIOSettings(maxPayload: maxPayload, path: path), socketSettings: SocketIOSettings(), access: FixedOwners(), events: events,
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
    }

    static func request(_ method: HTTPMethod, _ url: String, body: String? = nil) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 10 << 20)
        return (Int(response.status.code), String(buffer: bytes))
    }

    static func sid(_ openPacket: String) throws -> String {
        try #require(try JSONParser().parse(Array(openPacket.utf8.dropFirst())).jsonValue["sid"]?.stringValue)
    }

    @Test("polling over real HTTP on PORT: handshake, CONNECT, 413 past maxPayload, the protocol's 400 for other methods")
    func pollingOnMainPort() async throws {
        let realtime = Self.realtime(maxPayload: 1000)
        let server = try await RunningServer.start(configuration: try RunningServer.configuration(), realtime: realtime)
        let base = "\(server.address)/socket.io/?EIO=4&transport=polling"
        let open = try await Self.request(.GET, base)
        #expect(open.status == 200)
        let sid = try Self.sid(open.body)
        #expect(try await Self.request(.POST, base + "&sid=\(sid)", body: "40").body == "ok")
        #expect(try await Self.request(.GET, base + "&sid=\(sid)").body.hasPrefix(#"40{"sid":"#))
        let tooLarge = try await Self.request(.POST, base + "&sid=\(sid)", body: "4" + String(repeating: "x", count: 2000))
        #expect(tooLarge.status == 413)
        #expect(realtime.engine.sessionCount == 0)
        // Every method reaches Engine.IO, which answers as the reference server does.
        let put = try await Self.request(.PUT, base)
        #expect(put.status == 400)
        #expect(put.body == #"{"code":2,"message":"Bad handshake method"}"#)
        #expect(try await Self.request(.DELETE, base + "&sid=nope").body == #"{"code":1,"message":"Session ID unknown"}"#)
        try await server.stop()
    }

    @Test("FCB_SOCKETIO_PATH moves Engine.IO, polling and the WebSocket upgrade alike; the default path is then free")
    func customPath() async throws {
        let server = try await RunningServer.start(configuration: try RunningServer.configuration(), realtime: Self.realtime(path: "/rt/"))
        for path in ["/rt/", "/rt"] {
            let open = try await Self.request(.GET, "\(server.address)\(path)?EIO=4&transport=polling")
            #expect(open.status == 200 && open.body.hasPrefix("0{"), "\(path): \(open)")
        }
        #expect(try await Self.request(.GET, "\(server.address)/socket.io/?EIO=4&transport=polling").status == 404)
        try await server.stop()
    }

    @Test("the pipeline's events reach the room's sockets through the running realtime service")
    func relay() async throws {
        let events = EventBus()
        let server = try await RunningServer.start(configuration: try RunningServer.configuration(), realtime: Self.realtime(events: events))
        let base = "\(server.address)/socket.io/?EIO=4&transport=polling"
        let sid = try Self.sid(try await Self.request(.GET, base).body)
        _ = try await Self.request(.POST, base + "&sid=\(sid)", body: "40\u{1E}421[\"join:conversation\",\"c9\"]")
        #expect(try await Self.request(.GET, base + "&sid=\(sid)").body.hasSuffix(#"431[{"ok":true,"room":"conversation:c9"}]"#))
        try await waitUntil { events.subscriberCount == 1 }
        events.publish(.typingStart(contactId: "c9", userId: "u"))
        events.publish(.typingStart(contactId: "other", userId: "u"))
        events.publish(.typingStop(contactId: "c9", userId: "u"))
        var received: [String] = []
        let deadline = ContinuousClock.now + .seconds(30)
        while received.count < 2, ContinuousClock.now < deadline {
            received += try await Self.request(.GET, base + "&sid=\(sid)").body.split(separator: "\u{1E}").map(String.init).filter { $0 != "2" }
        }
        #expect(received == [#"42["typing:start",{"contactId":"c9"}]"#, #"42["typing:stop",{"contactId":"c9"}]"#])
        try await server.stop()
    }

    @Test("WEBSOCKET_PORT: a second listener serves /socket.io/ and /health only")
    func separateListener() async throws {
        var configuration = try RunningServer.configuration()
        configuration.websocketPort = 0
        let server = try await RunningServer.start(configuration: configuration, realtime: Self.realtime())
        let socketIO = try #require(server.socketIOAddress)
        #expect(socketIO.port != server.address.port)
        #expect(try await Self.request(.GET, "\(socketIO)/socket.io/?EIO=4&transport=polling").status == 200)
        #expect(try await Self.request(.GET, "\(socketIO)/health").status == 200)
        #expect(try await Self.request(.POST, "\(socketIO)/webhook", body: "{}").status == 404)
        #expect(try await Self.request(.GET, "\(server.address)/socket.io/?EIO=4&transport=polling").status == 200)
        try await server.stop()
    }

    @Test("a graceful shutdown answers a held poll with close at once")
    func shutdownWithHeldPoll() async throws {
        let realtime = Self.realtime()
        let server = try await RunningServer.start(configuration: try RunningServer.configuration(), realtime: realtime)
        let base = "\(server.address)/socket.io/?EIO=4&transport=polling"
        let sid = try Self.sid(try await Self.request(.GET, base).body)
        let held = Task { try await Self.request(.GET, base + "&sid=\(sid)") }
        try await waitUntil { realtime.engine.session(id: sid)?.state.withLock { $0.consumer != nil } ?? true }
        try await server.stop()
        #expect(try await held.value.body == "1")
        #expect(realtime.engine.sessionCount == 0)
    }
}
