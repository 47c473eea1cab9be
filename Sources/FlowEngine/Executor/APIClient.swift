/// One HTTP call made by a flow's `api` node (docs/compatibility.md#api-node,
/// docs/differences.md#api-node-status-limits-and-private-addresses).
///
/// The executor builds it (method upper-cased, URL/headers/body already interpolated) and hands it
/// to an injected ``APIClient``: ``LiveAPIClient`` in `serve`/`simulate`, a fake in tests.
package struct APIRequest: Sendable, Equatable {
    /// One request header, in the order the flow lists them.
    package struct HeaderField: Sendable, Equatable, Hashable {
        package var name: String
        package var value: String
        package init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Upper-cased already: GET, POST, PUT, PATCH, DELETE, HEAD, or anything else the flow says.
    package var method: String
    /// Already interpolated.
    package var url: String
    /// In order. No `Content-Type` is added automatically (reference behaviour).
    package var headers: [HeaderField]
    /// `nil` for GET/HEAD.
    package var body: String?

    package init(method: String, url: String, headers: [HeaderField] = [], body: String? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// What an ``APIClient`` got back. HTTP error statuses are responses, not errors.
package struct APIResponse: Sendable, Equatable {
    package var status: Int
    /// Parsed JSON when the text parses as JSON, else `.string(raw text)`; an empty body is `.string("")`.
    package var body: JSONValue

    package init(status: Int, body: JSONValue) {
        self.status = status
        self.body = body
    }
}

/// Why an API call produced no response. The executor stores `{error:"API call failed"}` for all of them.
package enum APIClientError: Error, Sendable, Equatable {
    /// Not an absolute `http`/`https` URL with a host (or a redirect to one).
    case invalidURL(String)
    /// The target (or a redirect target) is, or resolves to, a loopback/private/link-local/… address.
    case refusedAddress(String)
    /// The overall time budget (15 s by default, redirects and body included) ran out.
    case timeout
    /// The response body is larger than the cap (1 MiB by default).
    case responseTooLarge(limit: Int)
    /// DNS failure, connection failure, too many redirects, malformed request, …
    case network(String)
}

extension APIClientError: CustomStringConvertible {
    package var description: String {
        switch self {
        case .invalidURL(let detail): "invalid URL: \(detail)"
        case .refusedAddress(let detail): "refused: \(detail)"
        case .timeout: "timed out"
        case .responseTooLarge(let limit): "response larger than \(limit) bytes"
        case .network(let detail): "network error: \(detail)"
        }
    }
}

/// Performs the HTTP call of an `api` node.
package protocol APIClient: Sendable {
    func perform(_ request: APIRequest) async throws(APIClientError) -> APIResponse
}

/// An ``APIClient`` that refuses every call, e.g. for tests or when API calls are disabled.
package struct RefusingAPIClient: APIClient {
    package init() {}

    package func perform(_ request: APIRequest) async throws(APIClientError) -> APIResponse {
        throw .refusedAddress("API calls are disabled")
    }
}
