import FCBPipeline
import FCBRealtime
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import Metrics
import NIOCore
import NIOSSL
import Prometheus
import ServiceLifecycle
import UnixSignals

/// `fcb serve`'s process: the HTTP(S) server plus the other services (the pipeline) in one
/// `ServiceGroup`. SIGTERM/SIGINT start a graceful shutdown: the server stops accepting and
/// finishes in-flight requests, then the services end (last started, first stopped), bounded by
/// `shutdownGracePeriod` after which they are cancelled.
package struct FCBServer: Sendable {
    package let configuration: ServeConfiguration
    package let http: HTTPServer
    package let services: [any Service]
    /// Started first and stopped last: what everything else uses (the database's pool).
    package let foundation: [any Service]
    /// Runs once ``foundation`` runs, before the listeners open (schema, seed).
    package let startup: @Sendable () async throws -> Void
    /// Socket.IO (served on `port`, and on `websocketPort` when that is set).
    package let realtime: RealtimeServer?
    package let logger: Logger
    package var shutdownGracePeriod: Duration
    private let tls: TLSConfiguration?
    /// Timeouts, the connection limit and the body budget of both listeners.
    package let listenerLimits: ListenerLimits
    /// Both listeners' connections count against one limit.
    private let connectionGate: ConnectionGate
    /// The listeners' event loops (NIO's shared ones unless a test isolates its server).
    package var eventLoopGroup: (any EventLoopGroup)?
    private let onServerRunning: @Sendable (BoundAddress) async -> Void
    private let onSocketIOListenerRunning: @Sendable (BoundAddress) async -> Void

    /// Loads the TLS files (clear errors for unreadable or invalid PEM) but binds nothing yet.
    /// - Parameter listenerLimits: nil: the configuration's connection limit (lowered to what the
    ///   open-file limit allows, which is raised to its hard limit first) and body budget.
    package init(
        configuration: ServeConfiguration, responder: any WebhookResponder, readiness: any ReadinessCheck,
        registry: PrometheusCollectorRegistry, metricsFactory: (any MetricsFactory)? = nil, services: [any Service] = [],
        foundation: [any Service] = [], startup: @escaping @Sendable () async throws -> Void = {}, realtime: RealtimeServer? = nil, logger: Logger,
        shutdownGracePeriod: Duration = .seconds(25), listenerLimits: ListenerLimits? = nil,
        onServerRunning: @escaping @Sendable (BoundAddress) async -> Void = { _ in },
        onSocketIOListenerRunning: @escaping @Sendable (BoundAddress) async -> Void = { _ in }
    ) throws(ServeConfigurationError) {
        self.configuration = configuration
        let listenerLimits = listenerLimits ?? Self.limits(configuration, logger: logger)
        self.http = HTTPServer(
            responder: responder, readiness: readiness, registry: registry, metricsFactory: metricsFactory, logger: logger,
            bodyBudget: BodyBudget(limit: listenerLimits.bodyBudgetBytes),
            socketIO: realtime.map { SocketIORoute(engine: $0.engine) })
        self.services = services
        self.foundation = foundation
        self.startup = startup
        self.realtime = realtime
        self.onSocketIOListenerRunning = onSocketIOListenerRunning
        self.logger = logger
        self.shutdownGracePeriod = shutdownGracePeriod
        self.tls = try configuration.tls.map { files throws(ServeConfigurationError) in try TLSSetup.serverConfiguration(files) }
        self.onServerRunning = onServerRunning
        self.listenerLimits = listenerLimits
        self.connectionGate = ConnectionGate(limit: listenerLimits.maxConnections, label: "fcb serve", logger: logger)
    }

    private static func limits(_ configuration: ServeConfiguration, logger: Logger) -> ListenerLimits {
        let (connections, openFiles) = ListenerLimits.admissibleConnections(requested: configuration.maxConnections)
        if connections < configuration.maxConnections, let openFiles {
            logger.warning(
                "the open-file limit is \(openFiles), so fcb accepts at most \(connections) connections instead of \(configuration.maxConnections) (FCB_MAX_CONNECTIONS); raise it with ulimit -n or LimitNOFILE= in the service unit"
            )
        }
        return ListenerLimits(maxConnections: connections, bodyBudgetBytes: configuration.bodyBudgetMiB << 20)
    }

    /// The Hummingbird application (itself a `Service`) with the extra services inside it.
    package func makeApplication() throws -> some ApplicationProtocol {
        try makeApplication(router: http.makeRouter(), port: configuration.port, services: services, label: "fcb serve", onRunning: onServerRunning)
    }

    /// The separate Socket.IO listener, when `WEBSOCKET_PORT` asks for one.
    package func makeSocketIOApplication() throws -> (some ApplicationProtocol)? {
        guard let realtime, let port = configuration.websocketPort else { return nil as Application<RouterResponder<BasicRequestContext>>? }
        return try makeApplication(
            router: http.makeSocketIORouter(SocketIORoute(engine: realtime.engine)), port: port, services: [], label: "fcb serve socket.io",
            onRunning: onSocketIOListenerRunning)
    }

    private func makeApplication(
        router: Router<BasicRequestContext>, port: Int, services: [any Service], label: String,
        onRunning: @escaping @Sendable (BoundAddress) async -> Void
    ) throws -> Application<RouterResponder<BasicRequestContext>> {
        let server = ListenerStack.serverBuilder(
            socketIO: realtime.map { SocketIORoute(engine: $0.engine) }, tls: tls, gate: connectionGate, limits: listenerLimits)
        let (scheme, host, logger) = (configuration.scheme, configuration.host, logger)
        // Hummingbird's own "Server started" info line would repeat ours: at info, it logs notices and up.
        var frameworkLogger = logger
        if frameworkLogger.logLevel == .info { frameworkLogger.logLevel = .notice }
        frameworkLogger.handler = FrameworkLogFilter(inner: frameworkLogger.handler)
        return Application(
            router: router, server: server,
            // A burst of connections waits in the kernel's queue instead of having its SYNs
            // dropped (the kernel caps this at net.core.somaxconn).
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: port), backlog: ListenerLimits.listenBacklog),
            services: services,
            onServerRunning: { channel in
                let address = BoundAddress(scheme: scheme, host: host, port: channel.localAddress?.port ?? 0)
                logger.info("\(label) listening on \(address)", metadata: ["address": .stringConvertible(address)])
                await onRunning(address)
            },
            eventLoopGroupProvider: eventLoopGroup.map { .shared($0) } ?? .singleton,
            logger: frameworkLogger)
    }

    /// The group `run` runs; tests call `triggerGracefulShutdown()` on it instead of sending signals.
    package func makeServiceGroup(gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint]) throws -> ServiceGroup {
        // Stopped in reverse order: the notice, then realtime (closing sessions ends held polls),
        // then the listeners drain, then the database's pool.
        var entries = foundation.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
        entries.append(.init(service: AfterStartup(startup: startup, service: try makeApplication())))
        if let socketIO = try makeSocketIOApplication() { entries.append(.init(service: socketIO)) }
        if let realtime { entries.append(.init(service: realtime)) }
        entries.append(.init(service: ShutdownNotice(logger: logger)))
        var group = ServiceGroupConfiguration(
            services: entries,
            gracefulShutdownSignals: gracefulShutdownSignals, logger: logger)
        group.maximumGracefulShutdownDuration = shutdownGracePeriod
        group.maximumCancellationDuration = .seconds(5)
        return ServiceGroup(configuration: group)
    }

    /// Serves until SIGTERM/SIGINT (then shuts down gracefully) or until a service fails.
    /// A port already in use or an address this machine does not have is a `ServeConfigurationError`
    /// saying so.
    package func run(gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint]) async throws {
        do {
            try await makeServiceGroup(gracefulShutdownSignals: gracefulShutdownSignals).run()
        } catch let error as IOError where [EADDRINUSE, EADDRNOTAVAIL, EACCES].contains(error.errnoCode) {
            let address = BoundAddress(scheme: configuration.scheme, host: configuration.host, port: configuration.port)
            let advice =
                switch error.errnoCode {
                case EADDRINUSE: "the port is already in use (choose another with --port or PORT)"
                case EADDRNOTAVAIL: "this machine has no such address (use 127.0.0.1, 0.0.0.0 or one of its own addresses with --host or HOST)"
                default: "permission denied (ports below 1024 need privileges)"
                }
            let also = realtime != nil ? configuration.websocketPort.map { " or on the Socket.IO port \($0) (WEBSOCKET_PORT)" } ?? "" : ""
            throw ServeConfigurationError("cannot listen on \(address)\(also): \(advice)")
        }
        logger.info("fcb serve stopped")
    }
}

extension FCBServer {
    /// Builds the server and serves until SIGTERM/SIGINT.
    package static func run(
        configuration: ServeConfiguration, responder: any WebhookResponder, readiness: any ReadinessCheck,
        registry: PrometheusCollectorRegistry, services: [any Service] = [], logger: Logger,
        onServerRunning: @escaping @Sendable (BoundAddress) async -> Void = { _ in }
    ) async throws {
        try await FCBServer(
            configuration: configuration, responder: responder, readiness: readiness, registry: registry, services: services,
            logger: logger, onServerRunning: onServerRunning
        ).run()
    }
}
