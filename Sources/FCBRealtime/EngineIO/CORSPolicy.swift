/// Which browser origins may use the Socket.IO endpoint (`FRONTEND_URL`), and the headers that
/// tell the browser so. The allowed origin is echoed (never `*`) because the dashboard sends
/// credentials.
package struct CORSPolicy: Sendable, Equatable {
    package let allowedOrigins: [String]

    package init(allowedOrigins: [String]) {
        self.allowedOrigins = allowedOrigins.map(Self.normalise)
    }

    package var allowsAnyOrigin: Bool { allowedOrigins.contains("*") }

    /// A request without `Origin` is not from a browser page and is allowed; so is a page of
    /// the server's own origin (`host` is the request's `Host`), as WebSocket clients such as
    /// python's send their target as `Origin`.
    package func allows(origin: String?, host: String? = nil) -> Bool {
        guard let origin else { return true }
        if allowsAnyOrigin || allowedOrigins.contains(Self.normalise(origin)) { return true }
        guard let host, let schemeEnd = origin.range(of: "://") else { return false }
        return Self.normalise(String(origin[schemeEnd.upperBound...])) == Self.normalise(host)
    }

    /// Headers for an answer to `origin` (none when there is no allowed origin to echo).
    package func headers(origin: String?) -> [String: String] {
        guard let origin, allows(origin: origin) else { return [:] }
        return ["access-control-allow-origin": origin, "access-control-allow-credentials": "true", "vary": "Origin"]
    }

    /// The answer to a preflight `OPTIONS`.
    package func preflight(origin: String?, requestHeaders: String?) -> EngineIOHTTPResponse {
        guard let origin, allows(origin: origin) else { return EngineIORequestError.forbidden.response }
        var headers = self.headers(origin: origin)
        headers["access-control-allow-methods"] = "GET, POST, OPTIONS"
        if let requestHeaders, !requestHeaders.isEmpty { headers["access-control-allow-headers"] = requestHeaders }
        headers["access-control-max-age"] = "86400"
        return EngineIOHTTPResponse(status: 204, headers: headers)
    }

    /// `https://Dash.example.com/` and `https://dash.example.com` are one origin.
    static func normalise(_ origin: String) -> String {
        var value = origin.trimmingCharacters(in: .whitespaces).lowercased()
        while value.hasSuffix("/") { value.removeLast() }
        return value
    }
}
