import FlowEngine

extension WebhookResponse {
    /// A JSON body as Express's `res.json` sends it.
    package static func json(_ status: Int, _ body: JSONValue, headers: [String: String] = [:]) -> WebhookResponse {
        var all = headers
        all["Content-Type"] = "application/json; charset=utf-8"
        return WebhookResponse(status: status, headers: all, body: Array(body.serialized().utf8))
    }

    /// `{"error": message}`.
    package static func error(_ status: Int, _ message: String, headers: [String: String] = [:]) -> WebhookResponse {
        json(status, ["error": .string(message)], headers: headers)
    }

    package static func text(_ status: Int, _ body: String) -> WebhookResponse {
        WebhookResponse(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: Array(body.utf8))
    }
}
