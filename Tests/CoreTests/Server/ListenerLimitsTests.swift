import FCBPipeline
import FCBServe
import Foundation
import Logging
import NIOPosix
import Synchronization
import Testing

/// The listener's guards over real loopback connections (docs/serve.md#listener-limits), with
/// short limits so that each timeout shows in well under a second. Durations are measured on the
/// event loop from the client's last write; only lower bounds are asserted (a busy test process
/// can delay the server's accept, never make a timeout fire early), and every wait is bounded.
@Suite("fcb serve listener limits")
struct ListenerLimitsTests {
    /// Generous where a test is not about a timeout (a loaded CI machine accepts late); each
    /// timeout test shortens its own.
    static let quick = ListenerLimits(
        headerTimeout: .seconds(30), idleTimeout: .milliseconds(1500), bodyTimeout: .seconds(5), maxConnections: 50,
        bodyBudgetBytes: 1 << 20)

    /// The listener's timers are the subject here: their own event loop, so that other suites'
    /// work on the shared loops cannot delay them.
    static let loops = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    static func withServer(
        limits: ListenerLimits = quick, responder: any WebhookResponder = RecordingResponder(), logs: LogCapture = LogCapture(),
        _ body: (Int) async throws -> Void
    ) async throws {
        try await withRunningServer(limits: limits, responder: responder, logs: logs) { server in try await body(server.address.port) }
    }

    static func withRunningServer(
        limits: ListenerLimits = quick, responder: any WebhookResponder = RecordingResponder(), logs: LogCapture = LogCapture(),
        _ body: (RunningServer) async throws -> Void
    ) async throws {
        let server = try await RunningServer.start(
            configuration: RunningServer.configuration(), responder: responder, logger: logs.logger(), listenerLimits: limits,
            eventLoopGroup: Self.loops)
        do {
            try await body(server)
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }

    static func exchange(_ port: Int, _ request: String, within seconds: Double = 60) async throws -> RawConnection.Ending? {
        let connection = try await RawConnection.open(port: port)
        // A server that answers before the request is sent (a refusal) closes first.
        try? await connection.send(request)
        return try await connection.untilClosed(within: seconds)
    }

    static var shortHeaderTimeout: ListenerLimits {
        var limits = quick
        limits.headerTimeout = .milliseconds(400)
        return limits
    }

    @Test func aConnectionThatSendsNothingIsClosedAtTheHeaderTimeout() async throws {
        try await Self.withServer(limits: Self.shortHeaderTimeout) { port in
            let connection = try await RawConnection.open(port: port)
            let ending = try #require(try await connection.untilClosed(within: 60))
            #expect(ending.text == "")
            #expect(ending.seconds >= 0.2)  // 0.4 s on the server; the client may learn of its connect late
        }
    }

    @Test func aHeaderDribblerIsClosedAtTheHeaderTimeoutAlthoughBytesKeepComing() async throws {
        try await Self.withServer(limits: Self.shortHeaderTimeout) { port in
            let connection = try await RawConnection.open(port: port)
            let dribble = Task {
                for byte in "GET /health HTTP/1.1\r\nHost: a\r\nX-Slow: ".utf8 {
                    try? await connection.send([byte])
                    try? await Task.sleep(for: .milliseconds(50))
                }
            }
            let ending = try #require(try await connection.untilClosed(within: 60))
            dribble.cancel()
            // Nothing is answered. A byte that arrives just before the close is unread, and the
            // kernel then ends the connection with a reset instead of a FIN: either is a close.
            #expect(ending.text == "" || ending.text == "<reset>")
            #expect(ending.seconds >= 0.2)  // 0.4 s on the server; the client may learn of its connect late
        }
    }

    @Test func keepAliveConnectionsCloseAfterTheIdleTimeoutOnly() async throws {
        try await Self.withServer { port in
            let connection = try await RawConnection.open(port: port)
            try await connection.send("GET /health HTTP/1.1\r\nHost: a\r\n\r\n")
            let ending = try #require(try await connection.untilClosed(within: 60))
            #expect(ending.statusLine == "HTTP/1.1 200 OK")
            #expect(ending.text.hasSuffix(#"{"status":"ok"}"#))
            // Closed by the keep-alive idle timeout (1.5 s after the answer).
            #expect(ending.seconds >= 1.4)
        }
    }

    @Test func pipelinedRequestsAreAllAnsweredBeforeTheIdleClock() async throws {
        try await Self.withServer { port in
            let ending = try #require(
                try await Self.exchange(port, "GET /health HTTP/1.1\r\nHost: a\r\n\r\nGET /health HTTP/1.1\r\nHost: a\r\n\r\n"))
            #expect(ending.text.components(separatedBy: "HTTP/1.1 200 OK").count == 3)
            #expect(ending.text.hasSuffix(#"{"status":"ok"}"#))
            #expect(ending.seconds >= 1.4)
        }
    }

    @Test(arguments: [
        ("POST /webhook HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", "HTTP/1.1 400 Bad Request", #"{"error":"The request is not valid HTTP/1.1"}"#),
        ("POST /webhook HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n", "HTTP/1.1 400 Bad Request", #"{"error":"The request is not valid HTTP/1.1"}"#),
        (
            "POST /webhook HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello", "HTTP/1.1 400 Bad Request",
            #"{"error":"The request is not valid HTTP/1.1"}"#
        ),
        ("FOO /webhook HTTP/1.1\r\nHost: a\r\n\r\n", "HTTP/1.1 405 Method Not Allowed", #"{"error":"The request's method is not one HTTP defines"}"#),
        (
            "GET /health HTTP/1.1\r\nHost: a\r\nX-Big: \(String(repeating: "a", count: 100 * 1024))\r\n\r\n", "HTTP/1.1 431 Request Header Fields Too Large",
            #"{"error":"The request's headers are too large"}"#
        ),
        (
            "GET /health HTTP/1.1\r\nHost: a\r\n" + (0..<10_000).map { "X-H\($0): v\r\n" }.joined() + "\r\n",
            "HTTP/1.1 431 Request Header Fields Too Large", #"{"error":"The request's headers are too large"}"#
        ),
    ])
    func malformedRequestsGetTheirStatusAndAClosedConnectionAtOnce(request: String, statusLine: String, body: String) async throws {
        try await Self.withServer { port in
            let ending = try #require(try await Self.exchange(port, request))
            #expect(ending.statusLine == statusLine)
            #expect(ending.text.contains("\r\nconnection: close\r\n"))
            #expect(ending.text.hasSuffix(body) || ending.text.hasSuffix(body + "<reset>"))
        }
    }

    @Test func tlsOnThePlainPortIsToldToUseHTTP() async throws {
        try await Self.withServer { port in
            let connection = try await RawConnection.open(port: port)
            // The start of a TLS ClientHello.
            try await connection.send([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03] + [UInt8](repeating: 0, count: 64))
            let ending = try #require(try await connection.untilClosed(within: 60))
            #expect(ending.statusLine == "HTTP/1.1 400 Bad Request")
            #expect(ending.text.hasSuffix(#"{"error":"This port serves plain HTTP, not HTTPS: use http://, or give fcb TLS_CERT and TLS_KEY"}"#))
        }
    }

    /// Refuses unsigned deliveries on their head, like `WebhookEndpoint`.
    final class HeadRefusingResponder: WebhookResponder {
        let bodiesRead = Atomic(0)
        func answerBeforeBody(
            method: WebhookRequest.Method, query: [(name: String, value: String)], headers: [String: String], requestId: String
        )
            -> WebhookResponse?
        {
            headers["x-hub-signature-256"] == nil ? .error(401, "Missing signature") : nil
        }
        func respond(to request: WebhookRequest) async -> WebhookResponse {
            bodiesRead.add(1, ordering: .relaxed)
            return .json(200, ["success": true])
        }
    }

    @Test func anUnsignedDeliveryIsRefusedBeforeItsBodyIsSentAndTheConnectionCloses() async throws {
        let responder = HeadRefusingResponder()
        try await Self.withServer(responder: responder) { port in
            // Only the head of a 3 MiB body: the answer must not wait for the body.
            let ending = try #require(try await Self.exchange(port, "POST /webhook HTTP/1.1\r\nHost: a\r\nContent-Length: 3145728\r\n\r\n"))
            #expect(ending.statusLine == "HTTP/1.1 401 Unauthorized")
            #expect(ending.text.contains("Connection: close\r\n"))
            #expect(ending.text.hasSuffix(#"{"error":"Missing signature"}"#))
        }
        #expect(responder.bodiesRead.load(ordering: .relaxed) == 0)
    }

    @Test func bodiesBeyondTheBudgetGet503AtOnceAndAStalledBodyGets408() async throws {
        let responder = RecordingResponder()
        try await Self.withRunningServer(responder: responder) { server in
            let port = server.address.port
            // 800 KiB of the 1 MiB budget, half sent, then the client stalls.
            let stalled = try await RawConnection.open(port: port)
            try await stalled.send("POST /webhook HTTP/1.1\r\nHost: a\r\nX-Hub-Signature-256: sha256=00\r\nContent-Length: 819200\r\n\r\n")
            try await stalled.send([UInt8](repeating: 0x61, count: 409_600))
            // Bounded wait until the server has taken the stalled body's bytes from the budget.
            for _ in 0..<500 where server.bodyBudget.inFlight == 0 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(server.bodyBudget.inFlight == 819_200)
            let refused = try #require(
                try await Self.exchange(port, "POST /webhook HTTP/1.1\r\nHost: a\r\nX-Hub-Signature-256: sha256=00\r\nContent-Length: 819200\r\n\r\n"))
            #expect(refused.statusLine == "HTTP/1.1 503 Service Unavailable")
            #expect(refused.text.contains("Retry-After: 1\r\n"))
            #expect(refused.text.hasSuffix(#"{"error":"The server is receiving too many request bodies at once; send this again shortly"}"#))

            let timedOut = try #require(try await stalled.untilClosed(within: 60))
            #expect(timedOut.statusLine == "HTTP/1.1 408 Request Timeout")
            #expect(timedOut.text.hasSuffix(#"{"error":"The request body did not arrive in time"}"#))

            // The budget is back: a small delivery goes through.
            let body = #"{"object":"whatsapp_business_account","entry":[]}"#
            let accepted = try #require(
                try await Self.exchange(
                    port,
                    "POST /webhook HTTP/1.1\r\nHost: a\r\nX-Hub-Signature-256: sha256=00\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
                ))
            #expect(accepted.statusLine == "HTTP/1.1 200 OK")
        }
        // The body cut short by the timeout never reached the responder as a delivery.
        #expect(responder.requests.map(\.body.count) == [#"{"object":"whatsapp_business_account","entry":[]}"#.utf8.count])
    }

    @Test func theConnectionLimitAnswers503AndLogsOnceUntilRoomIsBack() async throws {
        let logs = LogCapture()
        var limits = Self.quick
        limits.maxConnections = 3
        limits.headerTimeout = .seconds(10)
        try await Self.withServer(limits: limits, logs: logs) { port in
            var held: [RawConnection] = []
            for _ in 0..<3 { held.append(try await RawConnection.open(port: port)) }
            try await Task.sleep(for: .milliseconds(100))
            for _ in 0..<2 {
                // Answered before it sends anything.
                let refused = try #require(try await RawConnection.open(port: port).untilClosed(within: 60))
                #expect(refused.statusLine == "HTTP/1.1 503 Service Unavailable")
                #expect(refused.text.hasSuffix(#"{"error":"Too many connections are open; try again shortly"}"#))
            }
            for connection in held { connection.close() }
            // Room is back once the server has seen the closes.
            var served: RawConnection.Ending?
            for _ in 0..<200 where served?.statusLine != "HTTP/1.1 200 OK" {
                try await Task.sleep(for: .milliseconds(100))
                served = try await Self.exchange(port, "GET /health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            }
            #expect(served?.statusLine == "HTTP/1.1 200 OK")
        }
        let warnings = logs.all.filter { $0.message.contains("connections are open, the limit") }
        #expect(
            warnings.map(\.message) == [
                "fcb serve: 3 connections are open, the limit; new connections get 503 until some close (raise it with FCB_MAX_CONNECTIONS or --max-connections, and the open-file limit with ulimit -n)"
            ])
        #expect(logs.all.contains { $0.message.hasPrefix("fcb serve: below the connection limit again; ") && $0.message.hasSuffix(" refused meanwhile") })
    }

    @Test func aGracefulShutdownClosesIdleConnectionsPromptly() async throws {
        var limits = Self.quick
        limits.headerTimeout = .seconds(30)
        let server = try await RunningServer.start(configuration: RunningServer.configuration(), listenerLimits: limits, eventLoopGroup: Self.loops)
        let connection = try await RawConnection.open(port: server.address.port)
        try await Task.sleep(for: .milliseconds(100))
        let started = ContinuousClock.now
        try await server.stop()
        #expect(ContinuousClock.now - started < .seconds(60))
        let ending = try await connection.untilClosed(within: 60)
        #expect(ending?.text == "")
    }

    @Test func aRequestArrivingAsTheShutdownBeginsIsAnswered() async throws {
        var limits = Self.quick
        limits.headerTimeout = .seconds(10)
        let server = try await RunningServer.start(configuration: RunningServer.configuration(), listenerLimits: limits, eventLoopGroup: Self.loops)
        let connection = try await RawConnection.open(port: server.address.port)
        // The first bytes of a request are in when the shutdown begins; the rest follows.
        try await connection.send("GET /health HTTP/1.1\r\n")
        try await Task.sleep(for: .milliseconds(100))
        let stopping = Task { try await server.stop() }
        try await Task.sleep(for: .milliseconds(300))
        try await connection.send("Host: a\r\n\r\n")
        let ending = try #require(try await connection.untilClosed(within: 60))
        #expect(ending.statusLine == "HTTP/1.1 200 OK")
        #expect(ending.text.hasSuffix(#"{"status":"ok"}"#))
        try await stopping.value
    }
}

@Suite("body budget and connection gate")
struct BodyBudgetTests {
    @Test func reservationsFitTheLimitAndASpikeIsTrimmedOnceItPasses() {
        let budget = BodyBudget(limit: 100, trimThreshold: 60)
        #expect(budget.reserve(70))
        #expect(!budget.reserve(31))
        #expect(budget.reserve(30))
        #expect(budget.inFlight == 100)
        budget.release(30)
        #expect(budget.trimCount == 0)
        budget.release(70)
        #expect(budget.inFlight == 0)
        #expect(budget.trimCount == 1)
        // A small peak afterwards is not worth a trim.
        #expect(budget.reserve(10))
        budget.release(10)
        #expect(budget.trimCount == 1)
    }

    @Test func theConnectionLimitIsLoweredToWhatTheOpenFileLimitAllows() {
        let (connections, openFiles) = ListenerLimits.admissibleConnections(requested: 1_000_000)
        #expect(openFiles != nil)
        #expect(connections == max(16, (openFiles ?? 0) - ListenerLimits.reservedDescriptors))
        #expect(ListenerLimits.admissibleConnections(requested: 20).connections == 20)
    }
}
