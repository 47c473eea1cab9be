import AsyncHTTPClient
import FCBPipeline
import FCBServe
import Foundation
import Logging
import NIOCore
import Prometheus
import Synchronization
import Testing

/// Blocks each request until released, to have one in flight during shutdown.
final class GateResponder: WebhookResponder {
    private let state = Mutex<(entered: Int, released: Bool, waiting: [CheckedContinuation<Void, Never>])>((0, false, []))

    var entered: Int { state.withLock { $0.entered } }

    func release() {
        let waiting = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.released = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    func respond(to request: WebhookRequest) async -> WebhookResponse {
        await withCheckedContinuation { continuation in
            let go = state.withLock { state -> Bool in
                state.entered += 1
                if !state.released { state.waiting.append(continuation) }
                return state.released
            }
            if go { continuation.resume() }
        }
        return WebhookResponse(status: 200, body: Array(#"{"success":true}"#.utf8))
    }
}

@Suite("fcb serve lifecycle")
struct ServerLifecycleTests {
    static func client() -> HTTPClient {
        HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: .init(timeout: .init(connect: .seconds(5), read: .seconds(15))))
    }

    @Test func portZeroReportsTheRealPortAndLogsTheAddress() async throws {
        let logs = LogCapture()
        let server = try await RunningServer.start(configuration: try RunningServer.configuration(), logger: logs.logger())
        let client = Self.client()
        let response = try await client.execute(HTTPClientRequest(url: "\(server.address)/health"), timeout: .seconds(10))
        #expect(response.status == .ok)
        try await client.shutdown()
        try await server.stop()
        #expect(server.address.scheme == "http")
        #expect(server.address.host == "127.0.0.1")
        #expect(server.address.port > 0 && server.address.port != 3000)
        let started = logs.all.filter { $0.message.hasPrefix("fcb serve listening on ") }
        #expect(started.map(\.message) == ["fcb serve listening on http://127.0.0.1:\(server.address.port)"])
        #expect(logs.all.contains { $0.message.hasPrefix("Server started") } == false, "Hummingbird's duplicate line is filtered at info")
        #expect(logs.all.contains { $0.message == "shutting down gracefully: no new connections, finishing in-flight requests" })
    }

    @Test func aPortInUseIsAClearError() async throws {
        let first = try await RunningServer.start(configuration: try RunningServer.configuration())
        let configuration = try RunningServer.configuration([.port: String(first.address.port)])
        let second = try FCBServer(
            configuration: configuration, responder: RecordingResponder(), readiness: FixedReadiness(reason: nil), registry: .init(),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        await #expect(
            throws: ServeConfigurationError(
                "cannot listen on http://127.0.0.1:\(first.address.port): the port is already in use (choose another with --port or PORT)")
        ) {
            try await bounded(20, "failing start") { try await second.run(gracefulShutdownSignals: []) }
        }
        try await first.stop()
    }

    @Test func gracefulShutdownEndsTheServerAndTheOtherServices() async throws {
        let service = DummyService()
        let server = try await RunningServer.start(configuration: try RunningServer.configuration(), services: [service])
        try await bounded(10, "dummy service start") {
            while !service.events.contains(.started) { try await Task.sleep(for: .milliseconds(10)) }
        }
        try await server.stop()
        #expect(service.events == [.started, .shutdownRequested, .ended])
        // (Whether the port still accepts connections is not checked: a test running in parallel
        // may already have been given the same port.)
    }

    @Test func anInFlightRequestFinishesDuringGracefulShutdown() async throws {
        let gate = GateResponder()
        let service = DummyService()
        let server = try await RunningServer.start(configuration: try RunningServer.configuration(), responder: gate, services: [service])
        let client = Self.client()
        var request = HTTPClientRequest(url: "\(server.address)/webhook")
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: "{}"))
        let pending = Task { [request] in
            let response = try await client.execute(request, timeout: .seconds(20))
            return (response.status.code, String(buffer: try await response.body.collect(upTo: 1 << 16)))
        }
        try await bounded(10, "request reaching the responder") {
            while gate.entered == 0 { try await Task.sleep(for: .milliseconds(10)) }
        }
        await server.group.triggerGracefulShutdown()
        try await Task.sleep(for: .milliseconds(200))
        #expect(!service.events.contains(.ended))  // the server is still finishing its request
        gate.release()
        let (status, body) = try await bounded(15, "in-flight response") { try await pending.value }
        #expect(status == 200)
        #expect(body == #"{"success":true}"#)
        try await bounded(15, "graceful shutdown") { [task = server.task] in try await task.value }
        #expect(service.events == [.started, .shutdownRequested, .ended])
        try await client.shutdown()
    }

    @Test func aStreamedBodyOverTheLimitIs413WithoutReachingTheResponder() async throws {
        let responder = RecordingResponder()
        let server = try await RunningServer.start(configuration: try RunningServer.configuration(), responder: responder)
        let client = Self.client()
        func post(_ size: Int) async throws -> (UInt, String) {
            var request = HTTPClientRequest(url: "\(server.address)/webhook")
            request.method = .POST
            let chunks = stride(from: 0, to: size, by: 64 * 1024).map { ByteBuffer(repeating: 0x61, count: min(64 * 1024, size - $0)) }
            request.body = .stream(AsyncStreamSequence(chunks), length: .unknown)  // chunked: no Content-Length to check up front
            let response = try await client.execute(request, timeout: .seconds(20))
            return (response.status.code, String(buffer: try await response.body.collect(upTo: 1 << 16)))
        }
        let accepted = try await post(HTTPServer.maxBodyBytes)
        let refused = try await post(HTTPServer.maxBodyBytes + 1)
        try await client.shutdown()
        try await server.stop()
        #expect(accepted.0 == 200)
        #expect(refused.0 == 413)
        #expect(refused.1 == #"{"error":"Payload too large"}"#)
        #expect(responder.requests.map(\.body.count) == [HTTPServer.maxBodyBytes])
    }
}

/// The chunks as an async sequence (AsyncHTTPClient streams it with chunked encoding).
struct AsyncStreamSequence: AsyncSequence, Sendable {
    let chunks: [ByteBuffer]
    init(_ chunks: [ByteBuffer]) { self.chunks = chunks }

    struct AsyncIterator: AsyncIteratorProtocol {
        var remaining: ArraySlice<ByteBuffer>
        mutating func next() async -> ByteBuffer? { remaining.popFirst() }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(remaining: chunks[...]) }
}
