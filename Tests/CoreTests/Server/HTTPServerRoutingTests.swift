import FCBPipeline
import FCBServe
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Testing

/// The routes through HummingbirdTesting, in-process (`.router`) and over a socket (`.live`).
@Suite("fcb serve HTTP routes")
struct HTTPServerRoutingTests {
    enum Setup: String, CaseIterable, Sendable {
        case router, live
        var testing: TestingSetup { self == .router ? .router : .live }
    }
    static let setups = Setup.allCases

    struct Fixture {
        let responder: RecordingResponder
        let registry = PrometheusCollectorRegistry()
        let logs = LogCapture()
        let application: Application<RouterResponder<BasicRequestContext>>

        init(
            responder: RecordingResponder = RecordingResponder(), readiness: any ReadinessCheck = FixedReadiness(reason: nil),
            readinessTimeout: Duration = .seconds(5)
        ) {
            self.responder = responder
            let server = HTTPServer(responder: responder, readiness: readiness, registry: registry, logger: logs.logger(), readinessTimeout: readinessTimeout)
            application = Application(router: server.makeRouter(), logger: Logger(label: "hb") { _ in SwiftLogNoOpLogHandler() })
        }
    }

    static func text(_ response: TestResponse) -> String { String(buffer: response.body) }

    @Test(arguments: setups)
    func bothPathsAndAllMethodsReachTheResponderWithExactBytes(setup: Setup) async throws {
        let fixture = Fixture()
        let cases: [(String, HTTPRequest.Method, WebhookRequest.Method)] = [
            ("/webhook", .get, .get), ("/webhook", .post, .post), ("/webhook", .options, .options),
            ("/api/webhook", .get, .get), ("/api/webhook", .post, .post), ("/api/webhook", .options, .options),
        ]
        try await fixture.application.test(setup.testing) { client in
            for (path, method, _) in cases {
                try await client.execute(uri: path, method: method, body: ByteBuffer(bytes: nonUTF8Body)) { response in
                    #expect(response.status == .ok)
                    #expect(Self.text(response) == #"{"success":true}"#)
                    #expect(response.headers[HTTPField.Name("X-Answer")!] == "yes")
                    #expect(response.headers[.contentType] == "application/json")
                }
            }
        }
        let recorded = fixture.responder.requests
        #expect(recorded.map(\.method) == cases.map(\.2))
        for request in recorded { #expect(request.body == nonUTF8Body) }
    }

    @Test(arguments: setups)
    func exactlyThreeMiBIsAcceptedAndOneMoreByteIs413(setup: Setup) async throws {
        let fixture = Fixture()
        let limit = 3 * 1024 * 1024
        #expect(HTTPServer.maxBodyBytes == limit)
        var body = [UInt8](repeating: 0xAB, count: limit)
        body[0] = 0xFF
        body[limit - 1] = 0x00
        let exact = body
        try await fixture.application.test(setup.testing) { client in
            try await client.execute(uri: "/webhook", method: .post, body: ByteBuffer(bytes: exact)) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/webhook", method: .post, body: ByteBuffer(bytes: exact + [0x01])) { response in
                #expect(response.status == .contentTooLarge)
                #expect(Self.text(response) == #"{"error":"Payload too large"}"#)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                #expect(response.headers[HTTPField.Name("X-Request-Id")!]?.isEmpty == false)
            }
        }
        #expect(fixture.responder.requests.count == 1)
        #expect(fixture.responder.requests.first?.body == exact)
    }

    @Test func queryPairsInOrderAndLowerCasedHeaders() async throws {
        let fixture = Fixture()
        try await fixture.application.test(.router) { client in
            var headers = HTTPFields()
            headers.append(HTTPField(name: HTTPField.Name("X-Hub-Signature-256")!, value: "sha256=abc"))
            headers.append(HTTPField(name: HTTPField.Name("X-Multi")!, value: "first"))
            headers.append(HTTPField(name: HTTPField.Name("X-Multi")!, value: "second"))
            headers.append(HTTPField(name: .contentType, value: "application/json"))
            try await client.execute(
                uri: "/webhook?hub.mode=subscribe&hub.verify_token=a%20b&x=1+2&x=3&flag&empty=&caf%C3%A9=%E2%82%AC", method: .get, headers: headers
            ) { response in
                #expect(response.status == .ok)
            }
        }
        let request = try #require(fixture.responder.requests.first)
        #expect(request.query.map(\.name) == ["hub.mode", "hub.verify_token", "x", "x", "flag", "empty", "café"])
        #expect(request.query.map(\.value) == ["subscribe", "a b", "1 2", "3", "", "", "€"])
        #expect(request.queryValue("x") == "1 2")
        #expect(request.headers["x-hub-signature-256"] == "sha256=abc")
        #expect(request.headers["x-multi"] == "first")
        #expect(request.headers["content-type"] == "application/json")
        #expect(request.headers.keys.allSatisfy { $0 == $0.lowercased() })
    }

    @Test(arguments: setups)
    func requestIDIsReusedWhenSaneAndGeneratedOtherwise(setup: Setup) async throws {
        let fixture = Fixture()
        let idHeader = HTTPField.Name("X-Request-Id")!
        let sane = "req-" + String(repeating: "a", count: 124)
        let candidates: [String?] = [sane, nil, sane + "b", "has space", "tab\there", ""]
        let echoed = try await fixture.application.test(setup.testing) { client in
            var echoed: [String] = []
            for candidate in candidates {
                var headers = HTTPFields()
                if let candidate { headers[idHeader] = candidate }
                let id = try await client.execute(uri: "/webhook", method: .post, headers: headers, body: ByteBuffer(string: "{}")) { response in
                    response.headers[idHeader] ?? "missing"
                }
                echoed.append(id)
            }
            return echoed
        }
        #expect(echoed[0] == sane)
        for generated in echoed.dropFirst() {
            #expect(generated.count == 32)
            #expect(generated.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        }
        #expect(Set(echoed).count == echoed.count)
        #expect(fixture.responder.requests.map(\.requestId) == echoed)
    }

    @Test(arguments: setups)
    func healthAndReadiness(setup: Setup) async throws {
        let ready = Fixture()
        try await ready.application.test(setup.testing) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                #expect(Self.text(response) == #"{"status":"ok"}"#)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            }
            try await client.execute(uri: "/ready", method: .get) { response in
                #expect(response.status == .ok)
                #expect(Self.text(response) == #"{"status":"ready"}"#)
            }
        }
        let notReady = Fixture(readiness: FixedReadiness(reason: "database unreachable: connection refused"))
        try await notReady.application.test(setup.testing) { client in
            try await client.execute(uri: "/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(Self.text(response) == #"{"status":"not ready","reason":"database unreachable: connection refused"}"#)
            }
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func aHangingReadinessCheckIsNotReadyAfterItsTimeout() async throws {
        let fixture = Fixture(readiness: HangingReadiness(), readinessTimeout: .milliseconds(200))
        try await fixture.application.test(.router) { client in
            try await client.execute(uri: "/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(Self.text(response) == #"{"status":"not ready","reason":"the readiness check did not answer within 0.2 seconds"}"#)
            }
        }
    }

    @Test(arguments: setups)
    func metricsCountWebhookRequestsByMethodAndOutcome(setup: Setup) async throws {
        let fixture = Fixture()
        try await fixture.application.test(setup.testing) { client in
            for _ in 0..<2 { try await client.execute(uri: "/webhook", method: .post, body: ByteBuffer(string: "{}")) }
            try await client.execute(uri: "/api/webhook", method: .get)
            try await client.execute(uri: "/webhook?flowId=f1", method: .post, body: ByteBuffer(string: "{}"))
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
                #expect(Self.text(response).contains("# TYPE fcb_webhook_requests_total counter"))
            }
            // Last on the connection: a body refused unread closes it.
            try await client.execute(uri: "/webhook", method: .post, body: ByteBuffer(bytes: [UInt8](repeating: 1, count: HTTPServer.maxBodyBytes + 1))) {
                response in
                #expect(response.status == .contentTooLarge)
                #expect(response.headers[.connection] == "close")
            }
        }
        var bytes: [UInt8] = []
        fixture.registry.emit(into: &bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains(#"fcb_webhook_requests_total{method="POST",outcome="200"} 3"#))
        #expect(text.contains(#"fcb_webhook_requests_total{method="GET",outcome="200"} 1"#))
        #expect(text.contains(#"fcb_webhook_requests_total{method="POST",outcome="413"} 1"#))
        #expect(text.contains("# TYPE fcb_webhook_ack_seconds histogram"))
        // Acks: the two deliveries and the 413, not the manual trigger (?flowId=) nor the GET.
        #expect(text.contains("fcb_webhook_ack_seconds_count 3"))
        #expect(text.contains(#"fcb_webhook_ack_seconds_bucket{le="0.01"}"#))
    }

    @Test(arguments: setups)
    func unknownPathsAre404AndWrongMethods405(setup: Setup) async throws {
        let fixture = Fixture()
        try await fixture.application.test(setup.testing) { client in
            for path in ["/", "/nope", "/webhooks", "/api", "/api/webhook/extra"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .notFound, "\(path)")
                    #expect(Self.text(response) == #"{"error":"Not Found"}"#)
                    #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                }
            }
            let wrong: [(String, HTTPRequest.Method, String)] = [
                ("/webhook", .put, "GET, POST, OPTIONS"), ("/api/webhook", .delete, "GET, POST, OPTIONS"), ("/webhook/", .patch, "GET, POST, OPTIONS"),
                ("/health", .post, "GET"), ("/ready", .delete, "GET"), ("/metrics", .post, "GET"),
            ]
            for (path, method, allow) in wrong {
                try await client.execute(uri: path, method: method, body: ByteBuffer(string: "x")) { response in
                    #expect(response.status == .methodNotAllowed, "\(method) \(path)")
                    #expect(Self.text(response) == #"{"error":"Method Not Allowed","allow":"\#(allow)"}"#)
                    #expect(response.headers[.allow] == allow)
                }
            }
        }
        #expect(fixture.responder.requests.isEmpty)
    }

    @Test func oneLogLinePerWebhookRequest() async throws {
        let fixture = Fixture()
        let idHeader = HTTPField.Name("X-Request-Id")!
        try await fixture.application.test(.router) { client in
            try await client.execute(uri: "/api/webhook?x=1", method: .post, headers: [idHeader: "trace-1"], body: ByteBuffer(bytes: nonUTF8Body))
            try await client.execute(uri: "/health", method: .get)
        }
        let lines = fixture.logs.all
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        #expect(line.level == .info)
        #expect(line.message == "webhook request")
        #expect(line.metadata["request_id"] == "trace-1")
        #expect(line.metadata["method"] == "POST")
        #expect(line.metadata["path"] == "/api/webhook")
        #expect(line.metadata["status"]?.description == "200")
        #expect(line.metadata["body_bytes"]?.description == String(nonUTF8Body.count))
        let duration = try #require(line.metadata["duration_ms"]?.description)
        #expect(Double(duration) != nil)
    }

    @Test func responderHeadersAndStatusPassThroughAndImpossibleStatusIs500() async throws {
        let teapot = Fixture(
            responder: RecordingResponder(answer: WebhookResponse(status: 403, headers: ["Access-Control-Allow-Origin": "*"], body: Array("Forbidden".utf8))))
        try await teapot.application.test(.router) { client in
            try await client.execute(uri: "/webhook", method: .options) { response in
                #expect(response.status.code == 403)
                #expect(Self.text(response) == "Forbidden")
                #expect(response.headers[HTTPField.Name("Access-Control-Allow-Origin")!] == "*")
            }
        }
        let broken = Fixture(responder: RecordingResponder(answer: WebhookResponse(status: 42)))
        try await broken.application.test(.router) { client in
            try await client.execute(uri: "/webhook", method: .post) { response in
                #expect(response.status == .internalServerError)
                #expect(Self.text(response) == #"{"error":"Internal Server Error"}"#)
            }
        }
    }
}
