/// Where and how fcb talks to the Graph API. The values come from configuration
/// (`META_GRAPH_URL`, `META_GRAPH_API_VERSION`, flags); Core never reads the environment.
public struct GraphAPIConfiguration: Sendable, Equatable {
    public static let defaultBaseURL = "https://graph.facebook.com"
    public static let defaultVersion = "v23.0"

    /// `https://graph.facebook.com`, or a local fake in tests.
    public var baseURL: String
    /// `v23.0`.
    public var version: String
    /// Per HTTP request (sends and registrations), as the reference's `META_API_TIMEOUT_MS`.
    public var timeout: Duration
    public var retry: GraphRetryPolicy
    public var rateLimit: SendRateLimit
    /// Responses larger than this are not read (Meta's answers are a few hundred bytes).
    public var maxResponseBytes: Int

    public init(
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
    public func url(phoneNumberId: String, edge: String) -> String {
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

/// Bounded exponential backoff with "equal jitter" for transient failures (429, 130429,
/// 131056, 5xx, network errors): retry `n` waits between half and all of
/// `min(maxDelay, baseDelay × 2^(n-1))`, so waits never collapse to zero and never exceed the cap.
public struct GraphRetryPolicy: Sendable, Equatable {
    /// Attempts in total, the first one included.
    public var maxAttempts: Int
    public var baseDelayMilliseconds: Int
    public var maxDelayMilliseconds: Int

    public init(maxAttempts: Int = 4, baseDelayMilliseconds: Int = 500, maxDelayMilliseconds: Int = 8_000) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelayMilliseconds = max(0, baseDelayMilliseconds)
        self.maxDelayMilliseconds = max(0, maxDelayMilliseconds)
    }

    /// The ceiling of retry `retry` (1 for the first retry).
    public func ceilingMilliseconds(retry: Int) -> Int {
        let exponent = min(max(0, retry - 1), 30)
        let (product, overflow) = baseDelayMilliseconds.multipliedReportingOverflow(by: 1 << exponent)
        return min(maxDelayMilliseconds, overflow ? Int.max : product)
    }

    /// The wait before retry `retry`, for a jitter value `unit` in `0..<1`.
    public func delayMilliseconds(retry: Int, unit: Double) -> Int {
        let ceiling = ceilingMilliseconds(retry: retry)
        let half = ceiling / 2
        let jitter = Int((Double(ceiling - half) * min(max(unit, 0), 1)).rounded(.down))
        return min(ceiling, half + jitter)
    }
}

/// The per-phone-number send rate (Meta's default throughput is 80 messages/s per number).
public struct SendRateLimit: Sendable, Equatable {
    public var messagesPerSecond: Double
    /// How many messages may go out at once before the rate applies (a token bucket's size).
    public var burst: Int

    public init(messagesPerSecond: Double = 80, burst: Int = 80) {
        self.messagesPerSecond = messagesPerSecond.isFinite && messagesPerSecond > 0 ? messagesPerSecond : 80
        self.burst = max(1, burst)
    }
}
