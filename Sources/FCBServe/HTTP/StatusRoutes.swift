import FCBPipeline
import FCBSupport
import HTTPTypes
import Hummingbird
import Prometheus

/// `/health` (the process answers), `/ready` (the `ReadinessCheck`, bounded by a timeout) and
/// `/metrics` (the Prometheus registry in text format 0.0.4).
struct StatusRoutes: Sendable {
    static let metricsContentType = "text/plain; version=0.0.4; charset=utf-8"

    let readiness: any ReadinessCheck
    let readinessTimeout: Duration
    let registry: PrometheusCollectorRegistry

    func health() -> Response {
        JSONResponse.make(.ok, ["status": "ok"])
    }

    func ready() async -> Response {
        let reason: String?
        do {
            reason = try await withDeadline(readinessTimeout, onTimeout: { ReadinessTimeout() }) { [readiness] in await readiness.notReadyReason() }
        } catch {
            reason = "the readiness check did not answer within \(readinessTimeout)"
        }
        guard let reason else { return JSONResponse.make(.ok, ["status": "ready"]) }
        return JSONResponse.make(.serviceUnavailable, ["status": "not ready", "reason": .string(reason)])
    }

    func metrics() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = Self.metricsContentType
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
    }

    private struct ReadinessTimeout: Error {}
}
