import Foundation

/// One HTTP request to `/webhook` or `/api/webhook`, as the webhook logic sees it: independent
/// of the HTTP server, so the same rules are tested in-process and served by Hummingbird.
package struct WebhookRequest: Sendable {
    package enum Method: String, Sendable {
        case get = "GET"
        case post = "POST"
        case options = "OPTIONS"
    }

    package var method: Method
    /// Query parameters in order; a name may repeat (Express gives an array then).
    package var query: [(name: String, value: String)]
    /// Header names lower-cased; the first value of a repeated header.
    package var headers: [String: String]
    /// The raw body bytes, never re-serialised (the signature is over them).
    package var body: [UInt8]
    package var requestId: String
    package var receivedAt: Date

    package init(
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
    package func queryValue(_ name: String) -> String? { query.first { $0.name == name }?.value }
}

/// The answer: status, headers and exact body bytes.
package struct WebhookResponse: Sendable, Equatable {
    package var status: Int
    package var headers: [String: String]
    package var body: [UInt8]

    package init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    package var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// The webhook routes' logic (docs/serve.md#routes): GET verification, POST acceptance into the inbox,
/// the manual trigger, OPTIONS. The HTTP server maps both paths to one responder.
package protocol WebhookResponder: Sendable {
    /// An answer the request's head alone decides (a delivery without a signature), so its body
    /// is never read; nil: read the body and call ``respond(to:)``.
    func answerBeforeBody(
        method: WebhookRequest.Method, query: [(name: String, value: String)], headers: [String: String], requestId: String
    )
        -> WebhookResponse?
    func respond(to request: WebhookRequest) async -> WebhookResponse
}

extension WebhookResponder {
    package func answerBeforeBody(
        method: WebhookRequest.Method, query: [(name: String, value: String)], headers: [String: String], requestId: String
    ) -> WebhookResponse? {
        nil
    }
}

/// `/ready`: the database answers and fcb's schema is current.
package protocol ReadinessCheck: Sendable {
    /// nil when ready, else the reason (shown in the 503 body).
    func notReadyReason() async -> String?
}
