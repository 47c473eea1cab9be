import NIOCore
import NIOHTTP1
import NIOPosix
import WhatsAppCloud

/// A stand-in for Meta's Graph API on loopback, for tests and `fcb dev fake-graph`.
///
/// It records every request exactly (method, path, headers, body bytes) and answers like
/// Meta: the documented success body for `POST /{version}/{id}/messages` (ids
/// `wamid.FAKE000001`, …), `{"success":true}` for `/register` and for any other path (so it
/// also serves as a recording sink for webhook replays), 401 without a bearer token. Rules
/// script failures: Meta error codes, raw statuses, delays, dropped connections, held requests.
///
/// ```swift
/// let fake = try await FakeGraphAPI.start()
/// await fake.failNext(1, phoneNumberId: "106540352242922", with: .graphError(code: 133010))
/// … send …
/// #expect(await fake.requests(path: "/v23.0/106540352242922/messages").count == 2)
/// await fake.stop()
/// ```
package final class FakeGraphAPI: Sendable {
    package let host: String
    package let port: Int
    private let channel: any Channel
    private let state: FakeGraphState

    private init(host: String, port: Int, channel: any Channel, state: FakeGraphState) {
        self.host = host
        self.port = port
        self.channel = channel
        self.state = state
    }

    /// `http://127.0.0.1:PORT`: pass it as the Graph base URL (`META_GRAPH_URL`).
    package var url: String { "http://\(host):\(port)" }

    /// Binds `host:port` (port 0 picks a free one). Only loopback addresses are accepted: the
    /// fake must never be reachable from another machine.
    /// `observer` is told about every request once it is answered (`fcb dev fake-graph` prints them).
    package static func start(
        host: String = "127.0.0.1", port: Int = 0, rules: [FakeGraphRule] = [], observer: (@Sendable (FakeGraphRequest) -> Void)? = nil
    ) async throws -> FakeGraphAPI {
        guard host == "127.0.0.1" || host == "::1" || host == "localhost" else {
            throw FakeGraphError("the fake Graph API only listens on loopback (127.0.0.1, ::1), not \(host)")
        }
        let state = FakeGraphState(observer: observer)
        state.add(rules)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                state.opened(channel)
                channel.closeFuture.whenComplete { _ in state.closed(channel) }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(FakeGraphHandler(state: state))
                }
            }
            .bind(host: host == "localhost" ? "127.0.0.1" : host, port: port)
            .get()
        guard let bound = channel.localAddress?.port else {
            try? await channel.close()
            throw FakeGraphError("could not determine the listening port")
        }
        return FakeGraphAPI(host: host == "::1" ? "[::1]" : (host == "localhost" ? "127.0.0.1" : host), port: bound, channel: channel, state: state)
    }

    /// Stops listening and closes every connection (held and delayed requests are dropped).
    package func stop() async {
        try? await channel.close()
        for child in state.openChannels {
            try? await child.close()
        }
    }

    // MARK: - Recorded requests

    /// Every recorded request, in arrival order.
    package func requests() async -> [FakeGraphRequest] { state.requests }

    /// Requests to exactly this path (no query string), e.g. `/v23.0/106540352242922/messages`.
    package func requests(path: String) async -> [FakeGraphRequest] { state.requests.filter { $0.path == path } }

    /// `POST …/messages` requests, optionally for one business number and/or one recipient.
    package func messageRequests(phoneNumberId: String? = nil, to recipient: String? = nil) async -> [FakeGraphRequest] {
        let digits = recipient.flatMap(PhoneNumber.normalize)
        return state.requests.filter { request in
            guard let graph = request.graph, graph.edge == "messages" else { return false }
            if let phoneNumberId, graph.phoneNumberId != phoneNumberId { return false }
            if let digits, request.recipient.flatMap(PhoneNumber.normalize) != digits { return false }
            return true
        }
    }

    /// `POST …/register` requests.
    package func registerRequests(phoneNumberId: String? = nil) async -> [FakeGraphRequest] {
        state.requests.filter { $0.graph?.edge == "register" && (phoneNumberId == nil || $0.graph?.phoneNumberId == phoneNumberId) }
    }

    package func count(path: String) async -> Int { await requests(path: path).count }

    package var requestCount: Int { get async { state.requests.count } }

    /// Waits (polling, bounded by `timeout`) until at least `count` requests arrived; false on timeout.
    package func waitForRequests(_ count: Int, timeout: Duration = .seconds(10)) async -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while state.requests.count < count {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return true
    }

    /// Forgets the recorded requests (rules stay).
    package func clearRequests() async { state.clearRequests() }

    /// Forgets recorded requests and rules, and answers held requests.
    package func reset() async {
        state.clearRequests()
        state.clearRules()
        _ = state.releaseHeld()
    }

    // MARK: - Scripting

    package func add(_ rule: FakeGraphRule) async { state.add([rule]) }

    package func add(_ rules: [FakeGraphRule]) async { state.add(rules) }

    /// "Fail the next `count` requests (to phone number `phoneNumberId`, recipient `to`) with `reply`."
    package func failNext(
        _ count: Int, phoneNumberId: String? = nil, to recipient: String? = nil, edge: FakeGraphRule.Edge? = .messages, with reply: FakeGraphReply,
        delayMilliseconds: Int = 0
    ) async {
        state.add([
            FakeGraphRule(phoneNumberId: phoneNumberId, recipient: recipient, edge: edge, times: count, delayMilliseconds: delayMilliseconds, reply: reply)
        ])
    }

    /// Forgets the rules (the recorded requests stay): an outage ends.
    package func clearRules() async { state.clearRules() }

    /// Rules with uses left.
    package func rules() async -> [FakeGraphRule] { state.activeRules }

    /// Answers every held request (successfully); returns how many were held.
    @discardableResult
    package func releaseHeld() async -> Int { state.releaseHeld() }

    package var heldCount: Int { get async { state.heldCount } }
}

package struct FakeGraphError: Error, Sendable, CustomStringConvertible {
    package let description: String
    init(_ description: String) { self.description = description }
}
