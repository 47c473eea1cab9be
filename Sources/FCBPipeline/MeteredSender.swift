import FlowEngine

/// Counts every send by outcome and Meta's error code (`/metrics`: `fcb_sends_total`).
struct MeteredSender: FlowSender {
    let inner: any FlowSender
    let metrics: PipelineMetrics

    func send(userId: String, to phone: String, message: OutboundMessage) async -> SendResult {
        let result = await inner.send(userId: userId, to: phone, message: message)
        switch result {
        case .success:
            metrics.send(.sent, code: "")
        case .failure(_, let status, let details):
            metrics.send(.failed, code: Self.code(status: status, details: details))
        case .notAccepted(_, let status, let details):
            metrics.send(.notAccepted, code: Self.code(status: status, details: details))
        }
        return result
    }

    /// Meta's error code, else the HTTP status, else "network".
    static func code(status: Int?, details: JSONValue?) -> String {
        details?["error"]?["code"]?.numberValue.flatMap { Int(exactly: $0) }.map(String.init) ?? status.map { "http_\($0)" } ?? "network"
    }
}
