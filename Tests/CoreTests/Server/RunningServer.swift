import FCBPipeline
import FCBRealtime
import FCBServe
import Foundation
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle
import Synchronization

/// An `FCBServer` on a loopback port picked by the system, in a service group the test shuts
/// down (no signals).
struct RunningServer {
    let group: ServiceGroup
    /// The request-body budget of its listeners.
    let bodyBudget: BodyBudget
    let task: Task<Void, any Error>
    let address: BoundAddress
    /// The separate Socket.IO listener, when the configuration has a `websocketPort`.
    var socketIOAddress: BoundAddress?

    static func configuration(_ flags: [ServeSetting: String] = [:]) throws -> ServeConfiguration {
        var all = flags
        all[.port] = all[.port] ?? "0"
        return try ServeConfigurationLoader(flags: all, environment: [:]).load()
    }

    static func start(
        configuration: ServeConfiguration, responder: any WebhookResponder = RecordingResponder(), readiness: any ReadinessCheck = FixedReadiness(reason: nil),
        services: [any Service] = [], realtime: RealtimeServer? = nil, logger: Logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() },
        listenerLimits: ListenerLimits? = nil, eventLoopGroup: (any EventLoopGroup)? = nil
    ) async throws -> RunningServer {
        let (addresses, continuation) = AsyncStream<BoundAddress>.makeStream()
        let (socketIOAddresses, socketIOContinuation) = AsyncStream<BoundAddress>.makeStream()
        var server = try FCBServer(
            configuration: configuration, responder: responder, readiness: readiness, registry: PrometheusCollectorRegistry(), services: services,
            realtime: realtime, logger: logger, shutdownGracePeriod: .seconds(10), listenerLimits: listenerLimits, onServerRunning: { continuation.yield($0) },
            onSocketIOListenerRunning: { socketIOContinuation.yield($0) })
        server.eventLoopGroup = eventLoopGroup
        let group = try server.makeServiceGroup(gracefulShutdownSignals: [])
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        let address = try await bounded(20, "server start") { () -> BoundAddress? in
            for await address in addresses { return address }
            return nil
        }
        guard let address else {
            try await task.value
            throw TimedOut(what: "server start (it stopped before listening)", seconds: 0)
        }
        var running = RunningServer(group: group, bodyBudget: server.http.bodyBudget, task: task, address: address)
        if realtime != nil, configuration.websocketPort != nil {
            running.socketIOAddress = try await bounded(20, "socket.io listener start") { () -> BoundAddress? in
                for await address in socketIOAddresses { return address }
                return nil
            }
        }
        return running
    }

    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await bounded(20, "graceful shutdown") { [task] in try await task.value }
    }
}

/// A service that runs until graceful shutdown and records what happened to it.
final class DummyService: Service, Sendable {
    enum Event: Equatable, Sendable { case started, shutdownRequested, ended }
    private let log = LockedEvents()
    var events: [Event] { log.events }

    func run() async throws {
        log.append(.started)
        try? await gracefulShutdown()
        log.append(.shutdownRequested)
        log.append(.ended)
    }
}

final class LockedEvents: Sendable {
    private let storage = Synchronization.Mutex<[DummyService.Event]>([])
    var events: [DummyService.Event] { storage.withLock { $0 } }
    func append(_ event: DummyService.Event) { storage.withLock { $0.append(event) } }
}
