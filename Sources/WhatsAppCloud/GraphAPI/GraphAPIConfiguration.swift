/// Where and how fcb talks to the Graph API. The values come from configuration
/// (`META_GRAPH_URL`, `META_GRAPH_API_VERSION`, flags); Core never reads the environment.
package struct GraphAPIConfiguration: Sendable, Equatable {
    package static let defaultBaseURL = "https://graph.facebook.com"
    package static let defaultVersion = "v23.0"

    /// `https://graph.facebook.com`, or a local fake in tests.
    package var baseURL: String
    /// `v23.0`.
    package var version: String
    /// Per HTTP request (sends and registrations), as the reference's `META_API_TIMEOUT_MS`.
    package var timeout: Duration
    package var retry: GraphRetryPolicy
    package var rateLimit: SendRateLimit
    /// Responses larger than this are not read (Meta's answers are a few hundred bytes).
    package var maxResponseBytes: Int

    package init(
        baseURL: String = GraphAPIConfiguration.defaultBaseURL, version: String = GraphAPIConfiguration.defaultVersion,
        timeout: Duration = .seconds(15), retry: GraphRetryPolicy = GraphRetryPolicy(), rateLimit: SendRateLimit = SendRateLimit(),
        maxResponseBytes: Int = 1 << 20
    ) {
        self.baseURL = baseURL
        self.version = version
        self.timeout = timeout
        self.retry = retry
        self.rateLimit = rateLimit
        self.maxResponseBytes = maxResponseBytes
    }

    /// `{baseURL}/{version}/{phoneNumberId}/{edge}`; the phone number id is percent-encoded so
    /// a malformed value cannot change the path.
    package func url(phoneNumberId: String, edge: String) -> String {
        var base = baseURL.trimmingJSWhitespace()
        while base.hasSuffix("/") { base.removeLast() }
        var version = self.version.trimmingJSWhitespace()
        while version.hasPrefix("/") { version.removeFirst() }
        while version.hasSuffix("/") { version.removeLast() }
        return "\(base)/\(version)/\(Self.pathSegment(phoneNumberId))/\(edge)"
    }

    static func pathSegment(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}
