import FCBPipeline
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// `GET|POST|OPTIONS /webhook` and `/api/webhook`: turns the Hummingbird request into a
/// `WebhookRequest` (raw body up to 3 MiB, else 413), asks the `WebhookResponder`, echoes the
/// request id, and logs and counts every request.
struct WebhookRoute: Sendable {
    static let requestIDHeader = HTTPField.Name("X-Request-Id")!

    let responder: any WebhookResponder
    let metrics: WebhookMetrics
    let logger: Logger
    let maxBodyBytes: Int

    func handle(_ request: Request) async -> Response {
        let started = ContinuousClock.now
        let requestID = WebhookRequestID.pick(clientValue: request.headers[Self.requestIDHeader])
        var bodyBytes = 0
        var response: Response
        switch await readBody(request) {
        case .success(let body):
            bodyBytes = body.count
            let exchange = WebhookRequest(
                method: Self.method(request.method), query: Self.queryPairs(request.uri.query), headers: Self.headerMap(request.headers),
                body: body, requestId: requestID, receivedAt: Date())
            response = convert(await responder.respond(to: exchange), requestID: requestID)
        case .failure(let failure):
            bodyBytes = failure.bytes
            response = failure.response
        }
        response.headers[Self.requestIDHeader] = requestID
        let elapsed = ContinuousClock.now - started
        let status = response.status.code
        metrics.recordRequest(method: request.method.rawValue, status: status)
        if request.method == .post, request.uri.queryParameters["flowId"] == nil { metrics.recordAck(elapsed) }
        logger.info(
            "webhook request",
            metadata: [
                "request_id": .string(requestID), "method": .string(request.method.rawValue), "path": .string(request.uri.path),
                "status": .stringConvertible(status), "duration_ms": .stringConvertible((elapsed.milliseconds * 1000).rounded() / 1000),
                "body_bytes": .stringConvertible(bodyBytes),
            ])
        return response
    }

    private struct BodyFailure: Error {
        let response: Response
        let bytes: Int
    }

    private func readBody(_ request: Request) async -> Result<[UInt8], BodyFailure> {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > maxBodyBytes {
            return .failure(BodyFailure(response: JSONResponse.error(.contentTooLarge, "Payload too large"), bytes: declared))
        }
        do {
            let buffer = try await request.body.collect(upTo: maxBodyBytes)
            return .success(Array(buffer.readableBytesView))
        } catch is NIOTooManyBytesError {
            return .failure(BodyFailure(response: JSONResponse.error(.contentTooLarge, "Payload too large"), bytes: maxBodyBytes + 1))
        } catch {
            logger.debug("webhook body could not be read", metadata: ["error": .string("\(error)")])
            return .failure(BodyFailure(response: JSONResponse.error(.badRequest, "Could not read the request body"), bytes: 0))
        }
    }

    private func convert(_ answer: WebhookResponse, requestID: String) -> Response {
        guard (100...599).contains(answer.status) else {
            logger.error(
                "webhook responder answered an impossible status", metadata: ["request_id": .string(requestID), "status": .stringConvertible(answer.status)])
            return JSONResponse.error(.internalServerError, "Internal Server Error")
        }
        return .from(status: answer.status, headers: answer.headers, body: answer.body)
    }

    static func method(_ method: HTTPRequest.Method) -> WebhookRequest.Method {
        switch method {
        case .post: .post
        case .options: .options
        default: .get
        }
    }

    /// `a=1&b=x+y&a=2` → `[(a,1), (b,"x y"), (a,2)]`: order kept, `+` is a space, percent-decoded.
    static func queryPairs(_ query: String?) -> [(name: String, value: String)] {
        guard let query, !query.isEmpty else { return [] }
        return query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = decode(parts[0])
            return (name, parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// Lower-case names; the first value of a repeated header.
    static func headerMap(_ fields: HTTPFields) -> [String: String] {
        var headers: [String: String] = [:]
        for field in fields where headers[field.name.canonicalName] == nil {
            headers[field.name.canonicalName] = field.value
        }
        return headers
    }
}
