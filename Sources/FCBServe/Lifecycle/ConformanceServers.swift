import FCBRealtime
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// The two test servers the official Engine.IO and Socket.IO protocol suites expect
/// (docs/realtime.md#protocol-suites), on fcb's own Engine.IO/Socket.IO code and listener stack:
/// Engine.IO echo at `/engine.io/`, Socket.IO with `ConformanceNamespace` at `/` and `/custom`
/// under `/socket.io/`; ping 300/200 ms, maxPayload 1,000,000, connect timeout 1 s, any origin.
package struct ConformanceServers: Sendable {
    package let host: String
    package let engineIOPort: Int
    package let socketIOPort: Int
    package let logger: Logger

    package init(host: String, engineIOPort: Int, socketIOPort: Int, logger: Logger) {
        self.host = host
        self.engineIOPort = engineIOPort
        self.socketIOPort = socketIOPort
        self.logger = logger
    }

    static func engineSettings(path: String) -> EngineIOSettings {
        EngineIOSettings(pingInterval: .milliseconds(300), pingTimeout: .milliseconds(200), maxPayload: 1_000_000, allowedOrigins: ["*"], path: path)
    }

    /// Serves until SIGTERM/SIGINT; `onRunning` gets each listener's bound address (Engine.IO first).
    package func run(onRunning: @escaping @Sendable (String, BoundAddress) async -> Void = { _, _ in }) async throws {
        let echo = EngineIOServer(settings: Self.engineSettings(path: "/engine.io/"), handler: EngineIOEcho(), logger: logger)
        let namespace = ConformanceNamespace()
        let sockets = SocketIOServer(
            settings: SocketIOSettings(connectTimeout: .seconds(1), maxPayload: 1_000_000),
            namespaces: Dictionary(uniqueKeysWithValues: ConformanceNamespace.names.map { ($0, namespace as any SocketIONamespace) }),
            logger: logger)
        let socketIO = EngineIOServer(settings: Self.engineSettings(path: "/socket.io/"), handler: sockets, logger: logger)
        let gate = ConnectionGate(limit: ListenerLimits().maxConnections, label: "conformance", logger: logger)
        let services: [any Service] = [
            application(echo, port: engineIOPort, label: "Engine.IO", gate: gate, onRunning: onRunning),
            application(socketIO, port: socketIOPort, label: "Socket.IO", gate: gate, onRunning: onRunning),
            EngineIOService(engine: echo, sockets: nil),
            EngineIOService(engine: socketIO, sockets: sockets),
        ]
        var configuration = ServiceGroupConfiguration(
            services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(5)
        do {
            try await ServiceGroup(configuration: configuration).run()
        } catch let error as IOError where error.errnoCode == EADDRINUSE || error.errnoCode == EADDRNOTAVAIL {
            throw ServeConfigurationError(
                "cannot listen on \(host) port \(engineIOPort) or \(socketIOPort): "
                    + (error.errnoCode == EADDRINUSE ? "a port is already in use (choose others)" : "this machine has no such address"))
        }
    }

    private func application(
        _ engine: EngineIOServer, port: Int, label: String, gate: ConnectionGate, onRunning: @escaping @Sendable (String, BoundAddress) async -> Void
    ) -> some Service {
        let route = SocketIORoute(engine: engine)
        let router = Router()
        router.add(middleware: JSONErrorMiddleware(allowedMethods: [route.path: SocketIORoute.methods], logger: logger))
        route.register(on: router)
        var frameworkLogger = logger
        frameworkLogger.handler = FrameworkLogFilter(inner: frameworkLogger.handler)
        let host = self.host
        return Application(
            router: router, server: ListenerStack.serverBuilder(socketIO: route, tls: nil, gate: gate, limits: ListenerLimits()),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), backlog: ListenerLimits.listenBacklog),
            onServerRunning: { channel in
                await onRunning(label, BoundAddress(scheme: "http", host: host, port: channel.localAddress?.port ?? 0))
            },
            logger: frameworkLogger)
    }
}
