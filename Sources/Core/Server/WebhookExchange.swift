import Foundation

/// One HTTP request to `/webhook` or `/api/webhook`, as the webhook logic sees it: independent
/// of the HTTP server, so the same rules are tested in-process and served by Hummingbird.
public struct WebhookRequest: Sendable {
    public enum Method: String, Sendable { case get = "GET", post = "POST", options = "OPTIONS" }

    public var method: Method
    /// Query parameters in order; a name may repeat (Express gives an array then).
    public var query: [(name: String, value: String)]
    /// Header names lower-cased; the first value of a repeated header.
    public var headers: [String: String]
    /// The raw body bytes, never re-serialised (the signature is over them).
    public var body: [UInt8]
    public var requestId: String
    public var receivedAt: Date

    public init(
        method: Method, query: [(name: String, value: String)] = [], headers: [String: String] = [:], body: [UInt8] = [],
        requestId: String, receivedAt: Date
    ) {
        self.method = method
        self.query = query
        self.headers = headers
        self.body = body
        self.requestId = requestId
        self.receivedAt = receivedAt
    }

    /// The first value of a query parameter.
    public func queryValue(_ name: String) -> String? { query.first { $0.name == name }?.value }
}

/// The answer: status, headers and exact body bytes.
public struct WebhookResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// The webhook routes' logic (SPEC §4): GET verification, POST acceptance into the inbox,
/// the manual trigger, OPTIONS. The HTTP server maps both paths to one responder.
public protocol WebhookResponder: Sendable {
    func respond(to request: WebhookRequest) async -> WebhookResponse
}

/// `/ready`: the database answers and fcb's schema is current.
public protocol ReadinessCheck: Sendable {
    /// nil when ready, else the reason (shown in the 503 body).
    func notReadyReason() async -> String?
}
