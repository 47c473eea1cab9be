import AsyncHTTPClient
import FCBSupport
import NIOCore

/// One HTTP exchange with the Graph API, reduced to what the sender decides on.
enum GraphExchange: Sendable, Equatable {
    /// Any HTTP answer, error statuses included.
    case response(status: Int, statusText: String, body: [UInt8])
    /// No complete answer within the timeout. Not retried: Meta may have accepted the message.
    case timeout
    /// No answer because the connection failed or broke; safe to retry.
    case network(String)
    /// The answer was larger than the configured cap.
    case tooLarge(status: Int)
}

/// POSTs JSON bodies with a bearer token through one long-lived async-http-client.
final class GraphAPITransport: Sendable {
    private let client: HTTPClient
    private let userAgent: String

    init() {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        configuration.timeout = .init(connect: .seconds(5))
        // The sender has its own bounded retries with backoff; the pool must not add more.
        configuration.connectionPool.retryConnectionEstablishment = false
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        userAgent = "fcb/\(FCBVersion.current)"
    }

    func shutdown() async {
        try? await client.shutdown()
    }

    func post(url: String, token: String, body: [UInt8], timeout: Duration, maxResponseBytes: Int) async -> GraphExchange {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: userAgent)
        request.body = .bytes(body)
        do {
            let response = try await client.execute(request, timeout: .init(timeout))
            let status = Int(response.status.code)
            let bytes: ByteBuffer
            do {
                bytes = try await response.body.collect(upTo: maxResponseBytes)
            } catch is NIOTooManyBytesError {
                return .tooLarge(status: status)
            }
            return .response(status: status, statusText: response.status.reasonPhrase, body: Array(bytes.readableBytesView))
        } catch {
            return Self.classify(error)
        }
    }

    /// Timeouts after the request may have been sent are not retried; everything else that
    /// kept an answer from arriving (refused, reset, closed, connect timeout) is.
    static func classify(_ error: any Error) -> GraphExchange {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return .timeout
            default:
                return .network(String(describing: error))
            }
        }
        return .network(String(describing: error))
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let nanos = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        self = .nanoseconds(nanos.overflow ? Int64.max : nanos.partialValue + attoseconds / 1_000_000_000)
    }
}
