import AsyncHTTPClient
import FCBSupport
import Foundation
import NIOCore

/// `fcb replay-webhook`: POSTs webhook deliveries to a server with a correct
/// `X-Hub-Signature-256`, exactly as Meta would (the exact bytes, `Content-Type:
/// application/json`), repeated, shuffled and concurrent on request. Call ``shutdown()`` when
/// done: the replayer owns an HTTP client.
package final class WebhookReplayer: Sendable {
    /// One body to deliver.
    package struct Payload: Sendable, Equatable {
        package let name: String
        package let bytes: [UInt8]
        package init(name: String, bytes: [UInt8]) {
            self.name = name
            self.bytes = bytes
        }
    }

    /// One POST of the plan: a payload and which repetition it is.
    package struct Delivery: Sendable, Equatable {
        /// 1-based position in the plan (the order of sending with concurrency 1).
        package let index: Int
        package let payload: Payload
        /// 1-based repetition (`--repeat`).
        package let round: Int
    }

    package struct Options: Sendable {
        package var url: String
        package var secret: String
        package var concurrency: Int
        package var rewrite: WebhookRewrite?
        package var timeout: Duration
        package init(url: String, secret: String, concurrency: Int = 1, rewrite: WebhookRewrite? = nil, timeout: Duration = .seconds(30)) {
            self.url = url
            self.secret = secret
            self.concurrency = max(1, concurrency)
            self.rewrite = rewrite
            self.timeout = timeout
        }
    }

    /// What happened to one delivery.
    package struct Outcome: Sendable, Equatable {
        package let delivery: Delivery
        /// The bytes actually sent (rewritten when `--rewrite` applies) and their signature.
        package let sentBytes: Int
        package let signature: String
        package let status: Int?
        package let statusText: String
        package let body: String
        /// Set when no HTTP answer arrived.
        package let error: String?
        package let milliseconds: Int

        package var succeeded: Bool { status.map { (200...299).contains($0) } ?? false }
    }

    private let options: Options
    private let clock: any FlowClock
    private let random: any RandomSource
    private let client: HTTPClient

    package init(options: Options, clock: any FlowClock = SystemClock(), random: any RandomSource = SystemRandomSource()) {
        self.options = options
        self.clock = clock
        self.random = random
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(5))
        // A refused connection is reported at once instead of being retried until the timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    package func shutdown() async {
        try? await client.shutdown()
    }

    /// The URL must be absolute `http` or `https` with a host.
    package static func checkURL(_ url: String) -> String? {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = parsed.host, !host.isEmpty
        else {
            return "--url must be an absolute http(s) URL such as http://127.0.0.1:3000/webhook, not \"\(url)\""
        }
        return nil
    }

    /// Every payload `repeat` times (the whole set, then the whole set again), shuffled with
    /// `shuffle` when given.
    package static func plan(_ payloads: [Payload], repeat count: Int, shuffle: (any RandomSource)?) -> [Delivery] {
        var items: [(Payload, Int)] = []
        for round in 1...max(1, count) {
            for payload in payloads { items.append((payload, round)) }
        }
        if let shuffle { items = shuffle.shuffled(items) }
        return items.enumerated().map { Delivery(index: $0.offset + 1, payload: $0.element.0, round: $0.element.1) }
    }

    /// Sends the plan with at most `concurrency` requests in flight; `report` is called as each
    /// one finishes (in completion order). Returns the outcomes in plan order.
    package func run(_ plan: [Delivery], report: @escaping @Sendable (Outcome) -> Void) async -> [Outcome] {
        var outcomes: [Int: Outcome] = [:]
        await withTaskGroup(of: Outcome.self) { group in
            var next = 0
            func startNext() {
                guard next < plan.count else { return }
                let delivery = plan[next]
                next += 1
                group.addTask { await self.deliver(delivery) }
            }
            for _ in 0..<min(options.concurrency, plan.count) { startNext() }
            while let outcome = await group.next() {
                outcomes[outcome.delivery.index] = outcome
                report(outcome)
                startNext()
            }
        }
        return plan.compactMap { outcomes[$0.index] }
    }

    private func deliver(_ delivery: Delivery) async -> Outcome {
        var bytes = delivery.payload.bytes
        if let rewrite = options.rewrite {
            bytes = rewrite.apply(to: bytes, now: clock.now()) { WebhookRewrite.freshMessageId(random: random) }
        }
        let signature = WebhookSignature.header(body: bytes, secret: options.secret)
        var request = HTTPClientRequest(url: options.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: WebhookSignature.headerName, value: signature)
        request.headers.add(name: "User-Agent", value: "fcb/\(FCBVersion.current) replay-webhook")
        request.body = .bytes(bytes)
        let started = ContinuousClock.now
        func elapsed() -> Int {
            let (seconds, attoseconds) = (ContinuousClock.now - started).components
            return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
        }
        do {
            let response = try await client.execute(request, timeout: .init(options.timeout))
            let body = try await response.body.collect(upTo: 1 << 20)
            return Outcome(
                delivery: delivery, sentBytes: bytes.count, signature: signature, status: Int(response.status.code),
                statusText: response.status.reasonPhrase, body: String(decoding: body.readableBytesView, as: UTF8.self), error: nil,
                milliseconds: elapsed())
        } catch {
            return Outcome(
                delivery: delivery, sentBytes: bytes.count, signature: signature, status: nil, statusText: "", body: "",
                error: Self.describe(error), milliseconds: elapsed())
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout: return "timed out"
            case .remoteConnectionClosed: return "the server closed the connection without answering"
            default: break
            }
        }
        if error is NIOTooManyBytesError { return "the answer is larger than 1 MiB" }
        let text = String(describing: error)
        if text.contains("Connection refused") { return "connection refused (is the server running?)" }
        return text
    }
}
