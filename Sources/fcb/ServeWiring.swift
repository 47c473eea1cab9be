import Core
import Logging
import ServiceLifecycle

/// What `fcb serve` runs behind its HTTP layer.
struct ServeComponents {
    /// The webhook logic behind /webhook and /api/webhook.
    var responder: any WebhookResponder
    /// Behind GET /ready.
    var readiness: any ReadinessCheck
    /// Run next to the HTTP server and shut down after it (e.g. the pipeline's workers).
    var services: [any Service] = []
    /// Called once the server and services have ended (e.g. close the store).
    var close: @Sendable () async -> Void = {}
}

/// THE WIRING POINT between the HTTP layer and the processing pipeline: build the store, the
/// webhook responder, the readiness check and the worker services from the configuration here.
/// Until the pipeline lands, webhooks answer 503 and /ready says why.
enum ServeWiring {
    static func makeComponents(configuration: ServeConfiguration, logger: Logger) async throws -> ServeComponents {
        ServeComponents(responder: PipelineNotWired(), readiness: PipelineNotWired())
    }
}

/// The stand-in: 503 `{"error":"pipeline not wired"}` for every webhook request.
struct PipelineNotWired: WebhookResponder, ReadinessCheck {
    func respond(to request: WebhookRequest) async -> WebhookResponse {
        WebhookResponse(
            status: 503, headers: ["Content-Type": "application/json; charset=utf-8"], body: Array(#"{"error":"pipeline not wired"}"#.utf8))
    }

    func notReadyReason() async -> String? { "the processing pipeline is not wired into this build yet" }
}
