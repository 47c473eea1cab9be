#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one `fcb serve` listener lets a client hold (docs/serve.md#listener-limits): how long a
/// connection may take to send a request head, stay idle between requests and send a body; how
/// many connections may be open; how many request-body bytes may be in memory at once.
package struct ListenerLimits: Sendable, Equatable {
    /// From accepting a connection (or the end of its previous response) to a complete request
    /// head: idle sockets, slow TLS handshakes and header dribblers are closed after it.
    package var headerTimeout: Duration
    /// Keep-alive: from the end of a response to the next request head.
    package var idleTimeout: Duration
    /// From a request head to the end of its body.
    package var bodyTimeout: Duration
    /// Open connections per listener; one more is answered 503 and closed.
    package var maxConnections: Int
    /// Request-body bytes buffered by all requests together; a body that would go beyond is
    /// answered 503 at once.
    package var bodyBudgetBytes: Int

    package static let defaultMaxConnections = 10_000
    /// Connections the kernel queues before fcb accepts them.
    package static let listenBacklog = 4096
    package static let defaultBodyBudgetMiB = 64

    package init(
        headerTimeout: Duration = .seconds(10), idleTimeout: Duration = .seconds(75), bodyTimeout: Duration = .seconds(15),
        maxConnections: Int = ListenerLimits.defaultMaxConnections, bodyBudgetBytes: Int = ListenerLimits.defaultBodyBudgetMiB << 20
    ) {
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.bodyTimeout = bodyTimeout
        self.maxConnections = maxConnections
        self.bodyBudgetBytes = bodyBudgetBytes
    }

    /// File descriptors kept free for the database pool, the Graph API client, logs and the
    /// connections being refused.
    package static let reservedDescriptors = 128

    /// Raises the process's soft open-file limit to its hard limit (as Go's runtime does) and
    /// returns the connections the listener can hold: `requested`, or fewer when the descriptors
    /// left after ``reservedDescriptors`` are fewer — so the limit answers before `accept` fails.
    package static func admissibleConnections(requested: Int) -> (connections: Int, openFileLimit: Int?) {
        #if canImport(Glibc) || canImport(Darwin)
        #if canImport(Glibc)
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
        let resource = RLIMIT_NOFILE
        #endif
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return (requested, nil) }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(resource, &raised) == 0 { limit = raised }
        }
        let available = Int(clamping: limit.rlim_cur)  // RLIM_INFINITY clamps to Int.max
        let usable = max(16, available - reservedDescriptors)
        return (min(requested, usable), available == Int.max ? nil : available)
        #else
        return (requested, nil)
        #endif
    }
}
