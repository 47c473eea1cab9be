import FCBPipeline
import HTTPTypes
import Hummingbird
import Logging
import Metrics
import Prometheus

/// The routes of `fcb serve` (docs/serve.md#routes) as a Hummingbird router:
/// `GET|POST|OPTIONS /webhook` and `/api/webhook` → the `WebhookResponder`; `GET /health`,
/// `GET /ready`, `GET /metrics`; JSON 404/405 for everything else.
package struct HTTPServer: Sendable {
    /// Meta's maximum delivery size.
    package static let maxBodyBytes = 3 * 1024 * 1024
    static let webhookPaths = ["/webhook", "/api/webhook"]
    static let webhookMethods: [HTTPRequest.Method] = [.get, .post, .options]

    package let responder: any WebhookResponder
    package let readiness: any ReadinessCheck
    package let registry: PrometheusCollectorRegistry
    package let logger: Logger
    package var readinessTimeout: Duration
    /// `/socket.io/` polling (the WebSocket side is the server builder's upgrade hook).
    package var socketIO: SocketIORoute?
    private let metrics: WebhookMetrics
    /// Request-body bytes all webhook requests together may hold (docs/serve.md#listener-limits).
    package let bodyBudget: BodyBudget

    /// - Parameters:
    ///   - registry: served at `/metrics`; the webhook counters are created in it through
    ///     `metricsFactory` (default: `FCBMetrics.makeFactory(registry:)`), never through the
    ///     global `MetricsSystem`, so tests need no bootstrap.
    package init(
        responder: any WebhookResponder, readiness: any ReadinessCheck, registry: PrometheusCollectorRegistry,
        metricsFactory: (any MetricsFactory)? = nil, logger: Logger, bodyBudget: BodyBudget = BodyBudget(limit: ListenerLimits().bodyBudgetBytes),
        readinessTimeout: Duration = .seconds(5), socketIO: SocketIORoute? = nil
    ) {
        self.bodyBudget = bodyBudget
        self.socketIO = socketIO
        self.responder = responder
        self.readiness = readiness
        self.registry = registry
        self.logger = logger
        self.readinessTimeout = readinessTimeout
        self.metrics = WebhookMetrics(factory: metricsFactory ?? FCBMetrics.makeFactory(registry: registry))
    }

    /// The separate Socket.IO listener's routes (`WEBSOCKET_PORT`): `/socket.io/` and `/health`.
    package func makeSocketIORouter(_ route: SocketIORoute) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: JSONErrorMiddleware(allowedMethods: ["/health": [.get], route.path: SocketIORoute.methods], logger: logger))
        let status = StatusRoutes(readiness: readiness, readinessTimeout: readinessTimeout, registry: registry)
        router.get("/health") { _, _ in status.health() }
        route.register(on: router)
        return router
    }

    package func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        var allowed: [String: [HTTPRequest.Method]] = ["/health": [.get], "/ready": [.get], "/metrics": [.get]]
        for path in Self.webhookPaths { allowed[path] = Self.webhookMethods }
        if let socketIO { allowed[socketIO.path] = SocketIORoute.methods }
        router.add(middleware: JSONErrorMiddleware(allowedMethods: allowed, logger: logger))

        let webhook = WebhookRoute(responder: responder, metrics: metrics, logger: logger, maxBodyBytes: Self.maxBodyBytes, bytesBudget: bodyBudget)
        for path in Self.webhookPaths {
            for method in Self.webhookMethods {
                router.on(RouterPath(path), method: method) { request, _ in await webhook.handle(request) }
            }
        }
        let status = StatusRoutes(readiness: readiness, readinessTimeout: readinessTimeout, registry: registry)
        router.get("/health") { _, _ in status.health() }
        router.get("/ready") { _, _ in await status.ready() }
        router.get("/metrics") { _, _ in status.metrics() }
        socketIO?.register(on: router)
        return router
    }
}
