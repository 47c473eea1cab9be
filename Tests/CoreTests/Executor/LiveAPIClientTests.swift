import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import Testing

@testable import FlowEngine
@testable import FlowEngineHTTP

// MARK: - A tiny HTTP/1.1 server on 127.0.0.1, port 0

/// Routes (query strings allowed):
/// `/json`, `/text`, `/empty`, `/bom`, `/error` (500 + JSON), `/slow` (answers after 3 s),
/// `/slow-body` (head and a first chunk now, the end after 3 s), `/big` (2 MiB with Content-Length),
/// `/big-chunked` (2 MiB chunked), `/echo` (method, body, headers as JSON),
/// `/redirect?status=N&to=URL`, `/loop` (redirects to itself), `/no-location` (302 without Location).
private final class TestHTTPServer: Sendable {
    let channel: any Channel
    let port: Int
    private let requestCount = Mutex(0)

    private init(channel: any Channel, port: Int) {
        self.channel = channel
        self.port = port
    }

    var requestsSeen: Int { requestCount.withLock { $0 } }

    fileprivate func countRequest() { requestCount.withLock { $0 += 1 } }

    static func start() async throws -> TestHTTPServer {
        let holder = ServerHolder()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(RouteHandler(holder: holder))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        guard let port = channel.localAddress?.port else {
            try await channel.close()
            throw TestServerError.noPort
        }
        let server = TestHTTPServer(channel: channel, port: port)
        holder.server.withLock { $0 = server }
        return server
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    func stop() async {
        try? await channel.close()
    }
}

private enum TestServerError: Error { case noPort }

private final class ServerHolder: Sendable {
    let server = Mutex<TestHTTPServer?>(nil)
}

private final class RouteHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let holder: ServerHolder
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(holder: ServerHolder) { self.holder = holder }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
        case .body(let buffer):
            body.append(contentsOf: buffer.readableBytesView)
        case .end:
            guard let head else { return }
            holder.server.withLock { $0?.countRequest() }
            respond(context: context, head: head)
            self.head = nil
        }
    }

    private func respond(context: ChannelHandlerContext, head: HTTPRequestHead) {
        let components = URLComponents(string: head.uri)
        let path = components?.path ?? head.uri
        let query = Dictionary(
            (components?.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { first, _ in first })
        switch path {
        case "/json":
            send(context, status: .ok, body: Array(#"{"ok":true,"items":[1,2.5],"name":"fcb"}"#.utf8), contentType: "application/json")
        case "/text":
            send(context, status: .ok, body: Array("hello, world".utf8), contentType: "text/plain")
        case "/empty":
            send(context, status: .ok, body: [])
        case "/bom":
            send(context, status: .ok, body: [0xEF, 0xBB, 0xBF] + Array(#"{"bom":1}"#.utf8))
        case "/error":
            send(context, status: .internalServerError, body: Array(#"{"error":"boom"}"#.utf8), contentType: "application/json")
        case "/slow":
            context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(3)) {
                guard context.channel.isActive else { return }
                self.send(context, status: .ok, body: Array("late".utf8))
            }
        case "/slow-body":
            var headers = HTTPHeaders()
            headers.add(name: "transfer-encoding", value: "chunked")
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "partial")))), promise: nil)
            context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(3)) {
                guard context.channel.isActive else { return }
                context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
            }
        case "/big":
            send(context, status: .ok, body: [UInt8](repeating: UInt8(ascii: "a"), count: 2 << 20))
        case "/big-chunked":
            var headers = HTTPHeaders()
            headers.add(name: "transfer-encoding", value: "chunked")
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
            let chunk = ByteBuffer(repeating: UInt8(ascii: "b"), count: 64 << 10)
            for _ in 0..<32 {
                context.write(wrapOutboundOut(.body(.byteBuffer(chunk))), promise: nil)
            }
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        case "/echo":
            var headers: [String: JSONValue] = [:]
            for (name, value) in head.headers { headers[name.lowercased()] = .string(value) }
            let echo: JSONValue = [
                "method": .string(head.method.rawValue),
                "body": .string(String(decoding: body, as: UTF8.self)),
                "headers": .object(.init(uniqueKeysWithValues: headers.sorted { $0.key < $1.key })),
            ]
            send(context, status: .ok, body: Array(Self.serialize(echo).utf8), contentType: "application/json")
        case "/redirect":
            let status = HTTPResponseStatus(statusCode: Int(query["status"] ?? "302") ?? 302)
            send(context, status: status, body: [], extraHeaders: [("location", query["to"] ?? "/json")])
        case "/loop":
            send(context, status: .found, body: [], extraHeaders: [("location", "/loop")])
        case "/no-location":
            send(context, status: .found, body: Array("nowhere".utf8))
        default:
            send(context, status: .notFound, body: Array("not found".utf8))
        }
    }

    private func send(
        _ context: ChannelHandlerContext, status: HTTPResponseStatus, body: [UInt8], contentType: String? = nil,
        extraHeaders: [(String, String)] = []
    ) {
        var headers = HTTPHeaders()
        headers.add(name: "content-length", value: String(body.count))
        if let contentType { headers.add(name: "content-type", value: contentType) }
        for (name, value) in extraHeaders { headers.add(name: name, value: value) }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        if !body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    /// Minimal JSON writer for the echo endpoint (strings, objects, arrays, numbers, bools, null).
    static func serialize(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return String(n)
        case .string(let s):
            var out = "\""
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default:
                    if scalar.value < 0x20 {
                        out += String(format: "\\u%04x", scalar.value)
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
            return out + "\""
        case .array(let items): return "[" + items.map(serialize).joined(separator: ",") + "]"
        case .object(let object):
            return "{" + object.map { serialize(.string($0.key)) + ":" + serialize($0.value) }.joined(separator: ",") + "}"
        }
    }
}

/// Runs `body` against a fresh server and always stops the server afterwards.
private func withServer(_ body: (TestHTTPServer) async throws -> Void) async throws {
    let server = try await TestHTTPServer.start()
    do {
        try await body(server)
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
}

private func get(_ url: String, headers: [APIRequest.HeaderField] = []) -> APIRequest {
    APIRequest(method: "GET", url: url, headers: headers, body: nil)
}

/// Captures the typed error of a call (or `nil` when it succeeded).
private func failure(_ call: () async throws(APIClientError) -> APIResponse) async -> APIClientError? {
    do {
        _ = try await call()
        return nil
    } catch {
        return error
    }
}

private func isRefused(_ error: APIClientError?) -> Bool {
    if case .refusedAddress? = error { return true }
    return false
}

private func isNetwork(_ error: APIClientError?) -> Bool {
    if case .network? = error { return true }
    return false
}

private func isInvalidURL(_ error: APIClientError?) -> Bool {
    if case .invalidURL? = error { return true }
    return false
}

private let loopback = IPAddress.v4(0x7F00_0001)

/// A client that allows exactly 127.0.0.1 (the test server) and otherwise applies the default policy,
/// with a fake resolver for `*.example.test` names.
private func pinnedClient(
    resolving table: [String: [IPAddress]] = ["public.example.test": [loopback]], maxRedirects: Int = 5
) -> LiveAPIClient {
    LiveAPIClient(
        timeout: .seconds(10), maxResponseBytes: 1 << 20, allowPrivateTargets: false, maxRedirects: maxRedirects,
        addressFilter: { address in
            if address == loopback { return nil }
            let category = AddressPolicy.category(of: address)
            return category == .public ? nil : category.rawValue
        },
        resolver: { host in
            guard let addresses = table[host] else { throw APIClientError.network("unknown test host \(host)") }
            return addresses
        })
}

// MARK: - Network tests (loopback only)

@Suite("LiveAPIClient over loopback")
struct LiveAPIClientNetworkTests {
    @Test("loopback targets are refused by default, before any request is sent")
    func loopbackRefusedByDefault() async throws {
        try await withServer { server in
            let client = LiveAPIClient()
            let literal = await failure { () async throws(APIClientError) in try await client.perform(get(server.url("/json"))) }
            #expect(isRefused(literal))
            let named = await failure { () async throws(APIClientError) in
                try await client.perform(get("http://localhost:\(server.port)/json"))
            }
            #expect(isRefused(named))
            let v6 = await failure { () async throws(APIClientError) in
                try await client.perform(get("http://[::1]:\(server.port)/json"))
            }
            #expect(isRefused(v6))
            let metadata = await failure { () async throws(APIClientError) in
                try await client.perform(get("http://169.254.169.254/latest/meta-data/"))
            }
            #expect(isRefused(metadata))
            #expect(server.requestsSeen == 0)
        }
    }

    @Test("with allowPrivateTargets: JSON parsed, text kept, empty body, 500 returned with its body")
    func bodies() async throws {
        try await withServer { server in
            let client = LiveAPIClient(allowPrivateTargets: true)
            let json = try await client.perform(get(server.url("/json")))
            #expect(json.status == 200)
            #expect(json.body == ["ok": true, "items": [1, 2.5], "name": "fcb"])

            let text = try await client.perform(get(server.url("/text")))
            #expect(text == APIResponse(status: 200, body: .string("hello, world")))

            let empty = try await client.perform(get(server.url("/empty")))
            #expect(empty == APIResponse(status: 200, body: .string("")))

            let bom = try await client.perform(get(server.url("/bom")))
            #expect(bom.body == ["bom": 1])

            let error = try await client.perform(get(server.url("/error")))
            #expect(error == APIResponse(status: 500, body: ["error": "boom"]))

            let missing = try await client.perform(get(server.url("/nope")))
            #expect(missing == APIResponse(status: 404, body: .string("not found")))

            let head = try await client.perform(APIRequest(method: "HEAD", url: server.url("/json")))
            #expect(head == APIResponse(status: 200, body: .string("")))
        }
    }

    @Test("method, headers and body are sent as given; no Content-Type is added")
    func echo() async throws {
        try await withServer { server in
            let client = LiveAPIClient(allowPrivateTargets: true)
            let response = try await client.perform(
                APIRequest(
                    method: "POST", url: server.url("/echo"),
                    headers: [.init(name: "X-Token", value: " abc "), .init(name: "Host", value: "evil.example")],
                    body: "name=fcb&x=1"))
            #expect(response.body["method"] == "POST")
            #expect(response.body["body"] == "name=fcb&x=1")
            #expect(response.body["headers"]?["x-token"] == "abc")
            #expect(response.body["headers"]?["content-type"] == nil)
            #expect(response.body["headers"]?["host"] == .string("127.0.0.1:\(server.port)"))

            let patch = try await client.perform(APIRequest(method: "PATCH", url: server.url("/echo"), body: ""))
            #expect(patch.body["method"] == "PATCH")
            #expect(patch.body["body"] == "")
        }
    }

    @Test("bodies over the cap are refused (Content-Length and chunked)")
    func tooLarge() async throws {
        try await withServer { server in
            let client = LiveAPIClient(allowPrivateTargets: true)
            let big = await failure { () async throws(APIClientError) in try await client.perform(get(server.url("/big"))) }
            #expect(big == .responseTooLarge(limit: 1 << 20))
            let chunked = await failure { () async throws(APIClientError) in
                try await client.perform(get(server.url("/big-chunked")))
            }
            #expect(chunked == .responseTooLarge(limit: 1 << 20))

            let tiny = LiveAPIClient(maxResponseBytes: 8, allowPrivateTargets: true)
            let small = await failure { () async throws(APIClientError) in try await tiny.perform(get(server.url("/json"))) }
            #expect(small == .responseTooLarge(limit: 8))
            let empty = try await tiny.perform(get(server.url("/empty")))
            #expect(empty.body == "")
        }
    }

    @Test("the overall timeout covers a slow head and a slow body")
    func timeouts() async throws {
        try await withServer { server in
            let client = LiveAPIClient(timeout: .milliseconds(300), allowPrivateTargets: true)
            let slow = await failure { () async throws(APIClientError) in try await client.perform(get(server.url("/slow"))) }
            #expect(slow == .timeout)
            let slowBody = await failure { () async throws(APIClientError) in
                try await client.perform(get(server.url("/slow-body")))
            }
            #expect(slowBody == .timeout)
        }
    }

    @Test("redirects: relative Location, 303 turns POST into GET, 307 keeps it, loops and limits fail")
    func redirects() async throws {
        try await withServer { server in
            let client = LiveAPIClient(allowPrivateTargets: true)
            let relative = try await client.perform(get(server.url("/redirect?status=301&to=/json")))
            #expect(relative.body["ok"] == true)

            let seeOther = try await client.perform(
                APIRequest(
                    method: "POST", url: server.url("/redirect?status=303&to=/echo"),
                    headers: [.init(name: "Content-Type", value: "text/plain"), .init(name: "X-Keep", value: "1")],
                    body: "payload"))
            #expect(seeOther.body["method"] == "GET")
            #expect(seeOther.body["body"] == "")
            #expect(seeOther.body["headers"]?["content-type"] == nil)
            #expect(seeOther.body["headers"]?["x-keep"] == "1")

            let temporary = try await client.perform(
                APIRequest(method: "POST", url: server.url("/redirect?status=307&to=/echo"), body: "payload"))
            #expect(temporary.body["method"] == "POST")
            #expect(temporary.body["body"] == "payload")

            let loop = await failure { () async throws(APIClientError) in try await client.perform(get(server.url("/loop"))) }
            #expect(isNetwork(loop))

            let noLocation = try await client.perform(get(server.url("/no-location")))
            #expect(noLocation == APIResponse(status: 302, body: .string("nowhere")))

            let noRedirects = LiveAPIClient(allowPrivateTargets: true, maxRedirects: 0)
            let capped = await failure { () async throws(APIClientError) in
                try await noRedirects.perform(get(server.url("/redirect?status=302&to=http://93.184.215.14/")))
            }
            #expect(isNetwork(capped))

            let badScheme = await failure { () async throws(APIClientError) in
                try await client.perform(get(server.url("/redirect?status=302&to=file:///etc/passwd")))
            }
            #expect(isInvalidURL(badScheme))
        }
    }

    @Test("each redirect target is re-vetted: private hops are refused even after an allowed first hop")
    func redirectRevalidation() async throws {
        try await withServer { server in
            let client = pinnedClient()
            // The first hop (127.0.0.1) is allowed by the test filter…
            let first = try await client.perform(get(server.url("/json")))
            #expect(first.status == 200)
            // …but redirects to other loopback, metadata and private addresses are not.
            for target in [
                "http://127.0.0.2:\(server.port)/json", "http://169.254.169.254/latest/meta-data/",
                "http://[::1]:\(server.port)/json", "http://10.0.0.1/", "http://[::ffff:192.168.1.1]/",
            ] {
                let encoded = target.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? target
                let error = await failure { () async throws(APIClientError) in
                    try await client.perform(get(server.url("/redirect?status=302&to=\(encoded)")))
                }
                #expect(isRefused(error), "redirect to \(target)")
            }
        }
    }

    @Test("host names are pinned to the vetted address (dnsOverride); credentials stay on their origin")
    func pinnedHostName() async throws {
        try await withServer { server in
            let client = pinnedClient(resolving: [
                "public.example.test": [loopback],
                "rebind.example.test": [.v4(0x0808_0808), .v4(0x7F00_0002)],
            ])
            // `public.example.test` does not exist in real DNS: success proves the client connected to the vetted IP.
            let direct = try await client.perform(get("http://public.example.test:\(server.port)/echo"))
            #expect(direct.body["headers"]?["host"] == .string("public.example.test:\(server.port)"))

            // One bad record among several refuses the call.
            let rebind = await failure { () async throws(APIClientError) in
                try await client.perform(get("http://rebind.example.test:\(server.port)/echo"))
            }
            #expect(isRefused(rebind))

            // A redirect to another origin drops Authorization/Cookie but keeps other headers…
            let to = "http://public.example.test:\(server.port)/echo".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let crossOrigin = try await client.perform(
                get(
                    server.url("/redirect?status=302&to=\(to)"),
                    headers: [.init(name: "Authorization", value: "Bearer secret"), .init(name: "X-Keep", value: "1")]))
            #expect(crossOrigin.body["headers"]?["authorization"] == nil)
            #expect(crossOrigin.body["headers"]?["x-keep"] == "1")
            #expect(crossOrigin.body["headers"]?["host"] == .string("public.example.test:\(server.port)"))

            // …while a same-origin redirect keeps them.
            let sameOrigin = try await client.perform(
                get(server.url("/redirect?status=302&to=/echo"), headers: [.init(name: "Authorization", value: "Bearer secret")]))
            #expect(sameOrigin.body["headers"]?["authorization"] == "Bearer secret")
        }
    }

    @Test("malformed requests fail without a response")
    func malformedRequests() async throws {
        try await withServer { server in
            let client = LiveAPIClient(allowPrivateTargets: true)
            let badMethod = await failure { () async throws(APIClientError) in
                try await client.perform(APIRequest(method: "GE T", url: server.url("/json")))
            }
            #expect(isNetwork(badMethod))
            let trace = await failure { () async throws(APIClientError) in
                try await client.perform(APIRequest(method: "TRACE", url: server.url("/json")))
            }
            #expect(isNetwork(trace))
            let injected = await failure { () async throws(APIClientError) in
                try await client.perform(get(server.url("/json"), headers: [.init(name: "X-A", value: "a\r\nX-B: b")]))
            }
            #expect(isNetwork(injected))
            let badName = await failure { () async throws(APIClientError) in
                try await client.perform(get(server.url("/json"), headers: [.init(name: "X A", value: "a")]))
            }
            #expect(isNetwork(badName))
            #expect(server.requestsSeen == 0)
        }
    }

    @Test("nothing listening gives a network error; a shut-down client refuses calls")
    func connectionFailureAndShutdown() async throws {
        // A port bound but not listening: refused, and no other test's server can take it meanwhile.
        let closed = try ClosedLoopbackPort()
        defer { closed.release() }
        let port = closed.port
        let client = LiveAPIClient(timeout: .seconds(5), allowPrivateTargets: true)
        let refused = await failure { () async throws(APIClientError) in
            try await client.perform(get("http://127.0.0.1:\(port)/json"))
        }
        // Refused at once normally; on a machine loaded by the whole suite the connect can time out first.
        #expect(isNetwork(refused) || String(describing: refused).contains("timed out"), "\(String(describing: refused))")

        try await client.shutdown()
        let afterShutdown = await failure { () async throws(APIClientError) in
            try await client.perform(get("http://127.0.0.1:\(port)/json"))
        }
        #expect(afterShutdown == .network("API client is shut down"))
    }
}

// MARK: - Offline tests

@Suite("LiveAPIClient URL checks")
struct LiveAPIClientURLTests {
    @Test(
        "only absolute http/https URLs with a host and no credentials",
        arguments: [
            "ftp://x", "not a url", "http://", "https://", "", "   ", "file:///etc/passwd", "javascript:alert(1)",
            "/relative/path", "http://user:pass@127.0.0.1/", "gopher://127.0.0.1:70/",
        ])
    func invalidURL(_ url: String) async {
        let error = await failure { () async throws(APIClientError) in
            try await LiveAPIClient().perform(get(url))
        }
        #expect(isInvalidURL(error), "\(url)")
    }

    @Test("targets: host as async-http-client sees it, literals detected")
    func targets() throws {
        let v6 = try LiveAPIClient.Target("http://[::1]:8080/x")
        #expect(v6.host == "::1")
        #expect(v6.literal == .v6(high: 0, low: 1))
        #expect(v6.port == 8080)

        let upper = try LiveAPIClient.Target("HTTPS://Example.COM/a?b=1")
        #expect(upper.scheme == "https")
        #expect(upper.port == 443)
        #expect(upper.literal == nil)

        // Shorthand IPv4 forms are not literals: they go through getaddrinfo and are vetted there.
        #expect(try LiveAPIClient.Target("http://127.1/").literal == nil)
        #expect(try LiveAPIClient.Target("http://2130706433/").literal == nil)
        #expect(try LiveAPIClient.Target(" http://8.8.8.8/ ").literal == .v4(0x0808_0808))
    }

    @Test("Location headers resolve against the current URL")
    func locationResolution() throws {
        let base = try #require(URL(string: "https://api.example.com/v1/items/42?x=1"))
        func resolve(_ location: String) -> String? {
            LiveAPIClient.resolveRedirect(location: location, against: base)?.absoluteString
        }
        #expect(resolve("/login") == "https://api.example.com/login")
        #expect(resolve("next") == "https://api.example.com/v1/items/next")
        #expect(resolve("../other") == "https://api.example.com/v1/other")
        #expect(resolve("?page=2") == "https://api.example.com/v1/items/42?page=2")
        #expect(resolve("//169.254.169.254/latest") == "https://169.254.169.254/latest")
        #expect(resolve("http://127.0.0.1:8080/admin") == "http://127.0.0.1:8080/admin")
        #expect(resolve("") == nil)

        // A resolved redirect to a private address is refused when vetted.
        let target = try LiveAPIClient.Target(try #require(resolve("//169.254.169.254/latest")))
        let literal = try #require(target.literal)
        #expect(AddressPolicy.category(of: literal) == .linkLocal)
    }

    @Test("response bodies: JSON when it parses, else text")
    func decoding() {
        #expect(LiveAPIClient.decodeBody([]) == .string(""))
        #expect(LiveAPIClient.decodeBody(Array(" [1, 2] ".utf8)) == [1, 2])
        #expect(LiveAPIClient.decodeBody(Array("42".utf8)) == 42)
        #expect(LiveAPIClient.decodeBody(Array("{oops".utf8)) == .string("{oops"))
        #expect(LiveAPIClient.decodeBody([0x61, 0xFF, 0x62]) == .string("a\u{FFFD}b"))
    }

    @Test("RefusingAPIClient refuses everything")
    func refusing() async {
        let error = await failure { () async throws(APIClientError) in
            try await RefusingAPIClient().perform(get("https://example.com/"))
        }
        #expect(error == .refusedAddress("API calls are disabled"))
    }

    @Test("the system resolver returns every address of localhost")
    func systemResolver() async throws {
        let addresses = try await SystemHostResolver.resolve("localhost")
        #expect(addresses.contains(loopback))
        #expect(addresses.allSatisfy { AddressPolicy.category(of: $0) == .loopback })
    }
}

@Suite("AddressPolicy")
struct AddressPolicyTests {
    @Test(
        "non-public ranges",
        arguments: [
            ("127.0.0.1", AddressPolicy.Category.loopback), ("127.255.255.254", .loopback), ("::1", .loopback),
            ("0.0.0.0", .unspecified), ("0.1.2.3", .unspecified), ("::", .unspecified),
            ("10.0.0.1", .private), ("10.255.255.255", .private),
            ("172.16.0.1", .private), ("172.31.255.255", .private),
            ("192.168.0.1", .private), ("192.168.255.255", .private),
            ("100.64.0.1", .sharedAddressSpace), ("100.127.255.255", .sharedAddressSpace),
            ("169.254.169.254", .linkLocal), ("169.254.0.1", .linkLocal),
            ("fe80::1", .linkLocal), ("febf:ffff::1", .linkLocal),
            ("fc00::1", .uniqueLocal), ("fd12:3456:789a::1", .uniqueLocal),
            ("fec0::1", .siteLocal),
            ("224.0.0.1", .multicast), ("239.255.255.250", .multicast), ("ff02::1", .multicast), ("ff05::2", .multicast),
            ("255.255.255.255", .broadcast),
            ("240.0.0.1", .reserved), ("192.0.2.10", .reserved), ("198.18.0.1", .reserved), ("203.0.113.9", .reserved),
            ("2001:db8::1", .reserved), ("2001:0:4136:e378::1", .reserved), ("100::1", .reserved),
            // IPv4 inside IPv6
            ("::ffff:127.0.0.1", .loopback), ("::ffff:7f00:1", .loopback), ("::ffff:169.254.169.254", .linkLocal),
            ("::ffff:10.1.2.3", .private), ("::127.0.0.1", .loopback), ("::ffff:0:192.168.0.1", .private),
            ("64:ff9b::a9fe:a9fe", .linkLocal), ("64:ff9b:1::1", .reserved),
            ("2002:7f00:0001::1", .loopback), ("2002:c0a8:0101::", .private),
        ])
    func nonPublic(_ text: String, _ expected: AddressPolicy.Category) throws {
        let address = try #require(IPAddress(text))
        #expect(AddressPolicy.category(of: address) == expected, "\(text)")
        #expect(!AddressPolicy.isPublic(address))
    }

    @Test(
        "public addresses",
        arguments: [
            "8.8.8.8", "1.1.1.1", "172.32.0.1", "172.15.255.255", "100.63.255.255", "100.128.0.1", "169.253.255.255",
            "192.169.0.1", "11.0.0.1", "223.255.255.255", "93.184.215.14",
            "2001:4860::8888", "2001:4860:4860::8844", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808",
            "2002:0808:0808::1",
        ])
    func isPublic(_ text: String) throws {
        let address = try #require(IPAddress(text))
        #expect(AddressPolicy.category(of: address) == .public, "\(text)")
    }

    @Test("parsing and printing")
    func parsing() {
        #expect(IPAddress("127.0.0.1") == .v4(0x7F00_0001))
        #expect(IPAddress("[::1]") == .v6(high: 0, low: 1))
        #expect(IPAddress("::ffff:127.0.0.1") == .v6(high: 0, low: 0xFFFF_7F00_0001))
        #expect(IPAddress("127.1") == nil)
        #expect(IPAddress("example.com") == nil)
        #expect(IPAddress("") == nil)
        #expect(IPAddress("1.2.3.4")?.description == "1.2.3.4")
        #expect(IPAddress("2001:4860:0:0:0:0:0:8888")?.description == "2001:4860::8888")
        #expect(IPAddress("::1")?.description == "::1")
    }
}
