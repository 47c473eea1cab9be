import Logging
import ServiceLifecycle

/// Says when a graceful shutdown starts (SIGTERM/SIGINT), before the server drains.
struct ShutdownNotice: Service {
    let logger: Logger

    func run() async throws {
        do {
            try await gracefulShutdown()
        } catch {
            return  // cancelled: the group is ending for another reason
        }
        logger.info("shutting down gracefully: no new connections, finishing in-flight requests")
    }
}
