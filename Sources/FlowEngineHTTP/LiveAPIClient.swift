import AsyncHTTPClient
import FlowEngine
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The live ``APIClient``: real HTTP calls with async-http-client, guarded against SSRF
/// (docs/differences.md#api-node-status-limits-and-private-addresses).
///
/// Every hop (the first request and each redirect) goes through the same steps:
/// 1. the URL must be an absolute `http`/`https` URL with a host and no credentials;
/// 2. an IP-literal host is classified directly; any other host is resolved with `getaddrinfo`
///    (on a Dispatch worker, never on an event loop) and **every** A/AAAA record is classified
///    with ``AddressPolicy``; one non-public record refuses the call (unless `allowPrivateTargets`);
/// 3. the connection is pinned to the first vetted address with
///    `HTTPClient.Configuration.dnsOverride`, so async-http-client never resolves the name itself
///    (no DNS-rebinding window) while TLS SNI and certificate checks still use the host name;
/// 4. automatic redirects are off; a 301/302/303/307/308 with a `Location` is resolved against the
///    current URL and goes back to step 1, at most `maxRedirects` times.
///
/// One time budget (`timeout`) covers resolution, every hop and the body. Bodies larger than
/// `maxResponseBytes` are refused. HTTP error statuses are returned, not thrown.
package final class LiveAPIClient: APIClient {
    package let timeout: Duration
    package let maxResponseBytes: Int
    package let allowPrivateTargets: Bool
    package let maxRedirects: Int

    /// Returns a refusal reason for an address, or `nil` when the address may be called.
    typealias AddressFilter = @Sendable (IPAddress) -> String?
    /// Resolves a host name to all of its addresses.
    typealias Resolver = @Sendable (String) async throws -> [IPAddress]

    private let addressFilter: AddressFilter
    private let resolver: Resolver
    private let isShutDown = Mutex(false)

    package convenience init(
        timeout: Duration = .seconds(15),
        maxResponseBytes: Int = 1 << 20,
        allowPrivateTargets: Bool = false,
        maxRedirects: Int = 5
    ) {
        self.init(
            timeout: timeout,
            maxResponseBytes: maxResponseBytes,
            allowPrivateTargets: allowPrivateTargets,
            maxRedirects: maxRedirects,
            addressFilter: { address in
                if allowPrivateTargets { return nil }
                let category = AddressPolicy.category(of: address)
                return category == .public ? nil : category.rawValue
            },
            resolver: SystemHostResolver.resolve
        )
    }

    /// Test seam: a custom address filter and resolver.
    init(
        timeout: Duration,
        maxResponseBytes: Int,
        allowPrivateTargets: Bool,
        maxRedirects: Int,
        addressFilter: @escaping AddressFilter,
        resolver: @escaping Resolver
    ) {
        self.timeout = timeout
        self.maxResponseBytes = max(0, maxResponseBytes)
        self.allowPrivateTargets = allowPrivateTargets
        self.maxRedirects = max(0, maxRedirects)
        self.addressFilter = addressFilter
        self.resolver = resolver
    }

    /// Refuses further calls. Each call owns (and always shuts down) its own short-lived
    /// `HTTPClient`, because the pinned address is part of the client configuration; so there is
    /// no pool to drain here.
    package func shutdown() async throws {
        isShutDown.withLock { $0 = true }
    }

    package func perform(_ request: APIRequest) async throws(APIClientError) -> APIResponse {
        if isShutDown.withLock({ $0 }) { throw .network("API client is shut down") }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        let budget = timeout
        do {
            return try await withThrowingTaskGroup(of: APIResponse?.self) { group in
                group.addTask { try await self.run(request, deadline: deadline) }
                group.addTask {
                    try await Task.sleep(for: budget)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let response = first else {
                    throw APIClientError.timeout
                }
                return response
            }
        } catch {
            throw Self.mapError(error)
        }
    }

    // MARK: - Hops

    private enum HopResult {
        case response(APIResponse)
        case redirect(status: Int, location: String)
    }

    private func run(_ request: APIRequest, deadline: ContinuousClock.Instant) async throws -> APIResponse {
        var method = request.method
        guard Self.isToken(method) else { throw APIClientError.network("invalid HTTP method \"\(method)\"") }
        guard !Self.forbiddenMethods.contains(method.uppercased()) else {
            throw APIClientError.network("HTTP method \(method) is not allowed")
        }
        var body = (method == "GET" || method == "HEAD") ? nil : request.body
        var headers = request.headers.compactMap { field -> APIRequest.HeaderField? in
            Self.droppedHeaders.contains(field.name.lowercased())
                ? nil : .init(name: field.name, value: field.value.trimmingCharacters(in: Self.httpWhitespace))
        }
        var target = try Target(request.url)
        var redirects = 0
        while true {
            let pin = try await vet(target)
            switch try await hop(method: method, headers: headers, body: body, target: target, pin: pin, deadline: deadline) {
            case .response(let response):
                return response
            case .redirect(let status, let location):
                redirects += 1
                guard redirects <= maxRedirects else {
                    throw APIClientError.network("too many redirects (limit \(maxRedirects))")
                }
                guard let next = Self.resolveRedirect(location: location, against: target.url) else {
                    throw APIClientError.invalidURL(location)
                }
                let nextTarget = try Target(next.absoluteString)
                if (status == 303 && method != "HEAD") || ((status == 301 || status == 302) && method == "POST") {
                    method = "GET"
                    body = nil
                    headers.removeAll { Self.bodyHeaders.contains($0.name.lowercased()) }
                }
                if !target.isSameOrigin(as: nextTarget) {
                    headers.removeAll { Self.credentialHeaders.contains($0.name.lowercased()) }
                }
                target = nextTarget
            }
        }
    }

    /// Checks the target's addresses; returns the address to pin the connection to, or `nil` for an IP literal.
    private func vet(_ target: Target) async throws -> IPAddress? {
        if let literal = target.literal {
            if let reason = addressFilter(literal) {
                throw APIClientError.refusedAddress("\(literal) is not an allowed API target (\(reason))")
            }
            return nil
        }
        let addresses = try await resolver(target.host)
        guard let first = addresses.first else {
            throw APIClientError.network("\(target.host) did not resolve to any address")
        }
        for address in addresses {
            if let reason = addressFilter(address) {
                throw APIClientError.refusedAddress(
                    "\(target.host) resolves to \(address), which is not an allowed API target (\(reason))")
            }
        }
        return first
    }

    private func hop(
        method: String, headers: [APIRequest.HeaderField], body: String?, target: Target, pin: IPAddress?,
        deadline: ContinuousClock.Instant
    ) async throws -> HopResult {
        let remaining = try Self.remainingNanoseconds(until: deadline)
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.proxy = nil
        configuration.decompression = .disabled
        configuration.timeout = .init(connect: .nanoseconds(remaining))
        configuration.connectionPool.retryConnectionEstablishment = false
        if let pin {
            configuration.dnsOverride = [target.host: pin.description]
        }
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let result: Result<HopResult, any Error>
        do {
            result = .success(try await exchange(client, method: method, headers: headers, body: body, target: target, deadline: deadline))
        } catch {
            result = .failure(error)
        }
        // Always release the per-call client, also after a failure or a cancellation.
        try? await client.shutdown()
        return try result.get()
    }

    private func exchange(
        _ client: HTTPClient, method: String, headers: [APIRequest.HeaderField], body: String?, target: Target,
        deadline: ContinuousClock.Instant
    ) async throws -> HopResult {
        var request = HTTPClientRequest(url: target.urlString)
        request.method = .init(rawValue: method)
        for field in headers {
            request.headers.add(name: field.name, value: field.value)
        }
        if let body {
            request.body = .bytes(Array(body.utf8))
        }
        let response = try await client.execute(request, timeout: .nanoseconds(try Self.remainingNanoseconds(until: deadline)))
        let status = Int(response.status.code)
        if Self.redirectStatuses.contains(status), let location = response.headers.first(name: "location") {
            return .redirect(status: status, location: location)
        }
        if let declared = response.headers.first(name: "content-length").flatMap({ Int($0) }), declared > maxResponseBytes {
            throw APIClientError.responseTooLarge(limit: maxResponseBytes)
        }
        var bytes: [UInt8] = []
        for try await chunk in response.body {
            guard chunk.readableBytes <= maxResponseBytes - bytes.count else {
                throw APIClientError.responseTooLarge(limit: maxResponseBytes)
            }
            bytes.append(contentsOf: chunk.readableBytesView)
        }
        return .response(APIResponse(status: status, body: Self.decodeBody(bytes)))
    }

    // MARK: - Helpers (internal for tests)

    /// The parsed, policy-relevant parts of a request URL.
    struct Target: Equatable {
        /// The exact string handed to async-http-client (it re-parses it the same way).
        var urlString: String
        var url: URL
        var scheme: String
        /// As async-http-client sees it: `url.host` without IPv6 brackets. Also the `dnsOverride` key.
        var host: String
        var port: Int
        /// Set when the host is a strict IPv4/IPv6 literal.
        var literal: IPAddress?

        init(_ string: String) throws(APIClientError) {
            let trimmed = string.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let url = URL(string: trimmed), let rawScheme = url.scheme else {
                throw .invalidURL(string)
            }
            let scheme = rawScheme.lowercased()
            guard scheme == "http" || scheme == "https" else { throw .invalidURL(string) }
            guard var host = url.host, !host.isEmpty else { throw .invalidURL(string) }
            if host.hasPrefix("["), host.hasSuffix("]"), host.count >= 2 {
                host = String(host.dropFirst().dropLast())
            }
            guard !host.isEmpty else { throw .invalidURL(string) }
            guard url.user == nil, url.password == nil else { throw .invalidURL(string) }
            self.urlString = trimmed
            self.url = url
            self.scheme = scheme
            self.host = host
            self.port = url.port ?? (scheme == "https" ? 443 : 80)
            self.literal = IPAddress(host)
        }

        func isSameOrigin(as other: Target) -> Bool {
            scheme == other.scheme && host.lowercased() == other.host.lowercased() && port == other.port
        }
    }

    /// Resolves a `Location` header value against the URL that produced it (RFC 3986 §5).
    static func resolveRedirect(location: String, against base: URL) -> URL? {
        let trimmed = location.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, let url = URL(string: trimmed, relativeTo: base) else { return nil }
        return url.absoluteURL
    }

    /// UTF-8 (lossy, BOM dropped like `Response.text()`), then JSON when it parses, else the raw text.
    static func decodeBody(_ bytes: [UInt8]) -> JSONValue {
        var slice = bytes[...]
        if slice.starts(with: [0xEF, 0xBB, 0xBF]) { slice = slice.dropFirst(3) }
        let text = String(decoding: slice, as: UTF8.self)
        if text.isEmpty { return .string("") }
        if let parsed = try? JSONValue(parsing: text) { return parsed }
        return .string(text)
    }

    static func mapError(_ error: any Error) -> APIClientError {
        if let error = error as? APIClientError { return error }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .connectTimeout, .readTimeout, .writeTimeout, .tlsHandshakeTimeout,
                .getConnectionFromPoolTimeout:
                return .timeout
            case .invalidURL, .emptyHost, .emptyScheme:
                return .invalidURL(String(describing: error))
            default:
                return .network(String(describing: error))
            }
        }
        if error is CancellationError { return .network("cancelled") }
        return .network(String(describing: error))
    }

    private static func remainingNanoseconds(until deadline: ContinuousClock.Instant) throws -> Int64 {
        let remaining = ContinuousClock.now.duration(to: deadline)
        guard remaining > .zero else { throw APIClientError.timeout }
        let (seconds, attoseconds) = remaining.components
        let nanos = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !nanos.overflow else { return Int64.max }
        return max(1, nanos.partialValue + attoseconds / 1_000_000_000)
    }

    private static func isToken(_ method: String) -> Bool {
        !method.isEmpty
            && method.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"):
                    return true
                default:
                    return "!#$%&'*+-.^_`|~".utf8.contains(byte)
                }
            }
    }

    private static let redirectStatuses: Set<Int> = [301, 302, 303, 307, 308]
    /// As in fetch: these methods are refused outright.
    private static let forbiddenMethods: Set<String> = ["CONNECT", "TRACE", "TRACK"]
    /// Framing and routing headers stay under async-http-client's control.
    private static let droppedHeaders: Set<String> = [
        "host", "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "te", "trailer",
        "expect", "proxy-connection",
    ]
    /// Dropped with the body when a redirect turns the request into a GET (fetch "request-body-header names").
    private static let bodyHeaders: Set<String> = ["content-type", "content-encoding", "content-language", "content-location"]
    /// Not forwarded to another origin on redirect.
    private static let credentialHeaders: Set<String> = ["authorization", "proxy-authorization", "cookie"]
    private static let httpWhitespace = CharacterSet(charactersIn: " \t\r\n")
}

/// `getaddrinfo` for every A/AAAA record, run on a Dispatch worker thread (never an event loop or the
/// cooperative pool). Cancellation stops the wait immediately; the lookup itself finishes in the background.
enum SystemHostResolver {
    static func resolve(_ host: String) async throws -> [IPAddress] {
        let slot = ContinuationSlot()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[IPAddress], any Error>) in
                guard slot.install(continuation) else { return }
                DispatchQueue.global(qos: .userInitiated).async {
                    slot.resume(with: Result { try lookup(host) })
                }
            }
        } onCancel: {
            slot.resume(with: .failure(CancellationError()))
        }
    }

    static func lookup(_ host: String) throws -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if os(Linux)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0 else {
            let message = gai_strerror(status).map { String(cString: $0) } ?? "error \(status)"
            throw APIClientError.network("cannot resolve \(host): \(message)")
        }
        defer { freeaddrinfo(list) }
        var addresses: [IPAddress] = []
        var cursor = list
        while let info = cursor {
            if let sockaddr = info.pointee.ai_addr {
                switch info.pointee.ai_family {
                case AF_INET:
                    let value = sockaddr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
                    addresses.append(.v4(UInt32(bigEndian: value)))
                case AF_INET6:
                    var raw = sockaddr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                    addresses.append(IPAddress(v6Bytes: withUnsafeBytes(of: &raw) { Array($0) }))
                default:
                    break
                }
            }
            cursor = info.pointee.ai_next
        }
        var seen = Set<IPAddress>()
        return addresses.filter { seen.insert($0).inserted }
    }

    /// Resumes a continuation exactly once, whichever of the lookup or the cancellation comes first.
    private final class ContinuationSlot: Sendable {
        private enum State {
            case idle
            case waiting(CheckedContinuation<[IPAddress], any Error>)
            case cancelled
            case done
        }
        private let state = Mutex(State.idle)

        /// `false` when cancellation came first (the continuation has been resumed already).
        func install(_ continuation: CheckedContinuation<[IPAddress], any Error>) -> Bool {
            let proceed = state.withLock { state -> Bool in
                if case .idle = state {
                    state = .waiting(continuation)
                    return true
                }
                return false
            }
            if !proceed { continuation.resume(throwing: CancellationError()) }
            return proceed
        }

        func resume(with result: Result<[IPAddress], any Error>) {
            let continuation = state.withLock { state -> CheckedContinuation<[IPAddress], any Error>? in
                switch state {
                case .waiting(let continuation):
                    state = .done
                    return continuation
                case .idle:
                    state = .cancelled
                    return nil
                case .cancelled, .done:
                    return nil
                }
            }
            continuation?.resume(with: result)
        }
    }
}
