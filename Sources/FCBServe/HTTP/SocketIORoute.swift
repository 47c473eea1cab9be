import FCBRealtime
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1

/// `/socket.io/` on Hummingbird: polling requests through the router, WebSocket upgrades through
/// the HTTP/1 upgrade hook. Both hand framework-free values to the `EngineIOServer`.
package struct SocketIORoute: Sendable {
    package let engine: EngineIOServer
    /// Where Engine.IO is served, without its trailing slash (`/socket.io`): the router and the
    /// upgrade check take it with and without one.
    package let path: String

    package init(engine: EngineIOServer) {
        self.engine = engine
        var path = engine.settings.path
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        self.path = path
    }

    /// Every method reaches the Engine.IO server, which answers those it does not serve with the
    /// protocol's own errors (a PUT handshake: 400 "Bad handshake method").
    static let methods: [HTTPRequest.Method] = [.get, .post, .options, .put, .delete, .patch]

    func register<Context: RequestContext>(on router: Router<Context>) {
        // Hummingbird's trie routes `/socket.io/` and `/socket.io` alike.
        for method in Self.methods {
            router.on(RouterPath(path), method: method) { request, context in
                await self.handle(request, remoteAddress: (context as? any RemoteAddressRequestContext)?.remoteAddress?.ipAddress)
            }
        }
    }

    func handle(_ request: Request, remoteAddress: String?) async -> Response {
        var body = EngineIOHTTPRequest.Body.bytes([])
        if request.method == .post {
            do {
                let buffer = try await request.body.collect(upTo: engine.settings.maxPayload)
                body = .bytes(Array(buffer.readableBytesView))
            } catch {
                // Too large (or unreadable): the session is closed either way.
                body = .tooLarge
            }
        }
        let exchange = EngineIOHTTPRequest(
            method: request.method.rawValue, query: Self.query(request.uri.query), headers: Self.headers(request.head), body: body,
            remoteAddress: remoteAddress)
        let answer = await engine.handlePolling(exchange)
        return .from(status: answer.status, headers: answer.headers, body: answer.body)
    }

    /// Lower-cased header names, plus `host` (HTTPTypes keeps it as the authority).
    static func headers(_ head: HTTPRequest) -> [String: String] {
        var headers = WebhookRoute.headerMap(head.headerFields)
        if let authority = head.authority { headers["host"] = authority }
        return headers
    }

    static func query(_ text: String?) -> [String: [String]] {
        var query: [String: [String]] = [:]
        for (name, value) in WebhookRoute.queryPairs(text) { query[name, default: []].append(value) }
        return query
    }

    /// The upgrade decision for a request head: only this route's path with a valid Engine.IO
    /// query is upgraded; anything else is refused (400) by `EngineIOUpgradeChannel`.
    func webSocketPlan(_ head: HTTPRequestHead, channel: any Channel) -> EngineIOWebSocketPlan? {
        let parts = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        guard let requested = parts.first, requested == path || requested == path + "/" else { return nil }
        let query = Self.query(parts.count > 1 ? String(parts[1]) : nil)
        var headers: [String: String] = [:]
        for (name, value) in head.headers where headers[name.lowercased()] == nil { headers[name.lowercased()] = value }
        guard case .success(let plan) = engine.webSocketPlan(query: query, headers: headers, remoteAddress: channel.remoteAddress?.ipAddress)
        else { return nil }
        return plan
    }
}
