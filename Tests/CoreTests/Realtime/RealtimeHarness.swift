import Foundation
import Logging
import Synchronization
import Testing

@testable import FCBRealtime
@testable import FCBServe
@testable import FlowEngine

/// Contact owners from a dictionary; counts lookups (a flood must not cost one each forever).
final class FixedOwners: ConversationAccess {
    let owners: [String: String]
    let lookups = Mutex(0)
    let failing: Bool

    init(_ owners: [String: String] = [:], failing: Bool = false) {
        self.owners = owners
        self.failing = failing
    }

    struct Down: Error {}

    func ownerOfContact(_ contactId: String) async throws -> String? {
        lookups.withLock { $0 += 1 }
        if failing { throw Down() }
        return owners[contactId]
    }
}

/// The Engine.IO and Socket.IO servers in process, spoken to through framework-free requests.
struct RealtimeHarness {
    let engine: EngineIOServer
    let sockets: SocketIOServer
    let owners: FixedOwners

    init(
        engine settings: EngineIOSettings = EngineIOSettings(), sockets socketSettings: SocketIOSettings = SocketIOSettings(),
        owners: FixedOwners = FixedOwners()
    ) {
        var logger = Logger(label: "test.realtime")
        logger.logLevel = .critical
        self.owners = owners
        sockets = SocketIOServer(settings: socketSettings, access: owners, logger: logger)
        engine = EngineIOServer(settings: settings, handler: sockets, logger: logger)
    }

    /// A server with other namespaces than the dashboard's (e.g. the protocol suites').
    init(
        namespaces: [String: any SocketIONamespace], engine settings: EngineIOSettings = EngineIOSettings(),
        sockets socketSettings: SocketIOSettings = SocketIOSettings()
    ) {
        var logger = Logger(label: "test.realtime")
        logger.logLevel = .critical
        owners = FixedOwners()
        sockets = SocketIOServer(settings: socketSettings, namespaces: namespaces, logger: logger)
        engine = EngineIOServer(settings: settings, handler: sockets, logger: logger)
    }

    /// The protocol suites' test namespaces, `/` and `/custom`.
    static func conformance(sockets: SocketIOSettings = SocketIOSettings()) -> RealtimeHarness {
        RealtimeHarness(namespaces: ["/": ConformanceNamespace(), "/custom": ConformanceNamespace()], sockets: sockets)
    }

    static func query(_ text: String) -> [String: [String]] { SocketIORoute.query(text) }

    func get(_ query: String, headers: [String: String] = [:]) async -> EngineIOHTTPResponse {
        await engine.handlePolling(EngineIOHTTPRequest(method: "GET", query: Self.query(query), headers: headers))
    }

    func post(_ query: String, _ body: String, headers: [String: String] = [:]) async -> EngineIOHTTPResponse {
        await engine.handlePolling(EngineIOHTTPRequest(method: "POST", query: Self.query(query), headers: headers, body: .bytes(Array(body.utf8))))
    }

    /// A polling handshake; returns the sid.
    func open(headers: [String: String] = [:]) async throws -> String {
        let response = await get("EIO=4&transport=polling", headers: headers)
        #expect(response.status == 200)
        let text = response.text
        guard text.hasPrefix("0"), let sid = try JSONParser().parse(Array(text.utf8.dropFirst())).jsonValue["sid"]?.stringValue else {
            throw HarnessError("not an open packet: \(text)")
        }
        return sid
    }

    /// Handshake + CONNECT; returns the sid and the CONNECT answer.
    func connect(auth: String = "", headers: [String: String] = [:], query extra: String = "") async throws -> (sid: String, answer: String) {
        let response = await get("EIO=4&transport=polling" + extra, headers: headers)
        guard response.status == 200, let sid = try JSONParser().parse(Array(response.text.utf8.dropFirst())).jsonValue["sid"]?.stringValue else {
            throw HarnessError("handshake failed: \(response.status) \(response.text)")
        }
        let posted = await post("EIO=4&transport=polling&sid=\(sid)", "40" + auth)
        #expect(posted.text == "ok")
        return (sid, await get("EIO=4&transport=polling&sid=\(sid)").text)
    }

    func poll(_ sid: String) async -> EngineIOHTTPResponse { await get("EIO=4&transport=polling&sid=\(sid)") }

    func send(_ sid: String, _ body: String) async -> EngineIOHTTPResponse { await post("EIO=4&transport=polling&sid=\(sid)", body) }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A WebSocket's client side in process: frames in through a stream, frames out recorded.
/// `unwritten` plays a socket that is not being read (the slow-consumer rule counts it).
final class FakeWebSocket: EngineIOPacketWriter {
    let inbound: AsyncStream<EngineIOFrame>
    private let input: AsyncStream<EngineIOFrame>.Continuation
    private let sent = Mutex<[EngineIOPacket]>([])
    let unwritten = Mutex(0)
    private let writes = Mutex(0)

    init() {
        (inbound, input) = AsyncStream.makeStream()
    }

    func client(_ text: String) { input.yield(.text(text)) }
    func clientBinary(_ bytes: [UInt8]) { input.yield(.binary(bytes)) }
    func clientCloses() { input.finish() }

    /// The server ended the WebSocket: the reading side ends, as when a real channel closes.
    func close() {
        closedByServer.withLock { $0 = true }
        input.finish()
    }

    let closedByServer = Mutex(false)

    var received: [String] { sent.withLock { $0.map { $0.encoded() } } }

    /// How many `write` calls (batches) the server made.
    var writeCount: Int { writes.withLock { $0 } }

    func write(_ packets: [EngineIOPacket]) {
        writes.withLock { $0 += 1 }
        sent.withLock { $0.append(contentsOf: packets) }
    }

    var unwrittenPackets: Int { unwritten.withLock { $0 } }

    /// Serves it on `engine` in a task; the task ends when the server is done with it.
    func serve(_ plan: EngineIOWebSocketPlan, on engine: EngineIOServer) -> Task<Void, Never> {
        Task { await engine.serveWebSocket(plan, inbound: inbound, writer: self) }
    }

    /// Waits until `count` packets were sent to the client. The bound is a hang guard, not a
    /// timing check: the full suite can starve the cooperative pool for seconds.
    func waitForPackets(_ count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while received.count < count, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(received.count >= count, "waited for \(count) packets, got \(received)")
    }
}
