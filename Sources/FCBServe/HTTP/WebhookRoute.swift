import FCBPipeline
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// `GET|POST|OPTIONS /webhook` and `/api/webhook`: turns the Hummingbird request into a
/// `WebhookRequest` (raw body up to 3 MiB, else 413, within the listener's body budget, else
/// 503), asks the `WebhookResponder` — first whether it refuses the request on its head alone —,
/// echoes the request id, and logs and counts every request.
struct WebhookRoute: Sendable {
    static let requestIDHeader = HTTPField.Name("X-Request-Id")!

    let responder: any WebhookResponder
    let metrics: WebhookMetrics
    let logger: Logger
    let maxBodyBytes: Int
    /// Shared by every request of the listener.
    let bytesBudget: BodyBudget

    func handle(_ request: Request) async -> Response {
        let started = ContinuousClock.now
        let requestID = WebhookRequestID.pick(clientValue: request.headers[Self.requestIDHeader])
        var bodyBytes = 0
        var response: Response
        let method = Self.method(request.method)
        let query = Self.queryPairs(request.uri.query)
        let headers = Self.headerMap(request.headers)
        if let refusal = responder.answerBeforeBody(method: method, query: query, headers: headers, requestId: requestID) {
            // The body is not read: the connection closes after the answer instead of draining it.
            response = convert(refusal, requestID: requestID)
            response.headers[.connection] = "close"
        } else {
            switch await readBody(request) {
            case .success(let body):
                bodyBytes = body.bytes.count
                let exchange = WebhookRequest(method: method, query: query, headers: headers, body: body.bytes, requestId: requestID, receivedAt: Date())
                response = convert(await responder.respond(to: exchange), requestID: requestID)
                body.release()
            case .failure(let failure):
                bodyBytes = failure.bytes
                response = failure.response
            }
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

    /// A body read within the budget; `release()` gives its bytes back once it is answered.
    private struct ReadBody {
        let bytes: [UInt8]
        let reserved: Int
        let budget: BodyBudget

        func release() { budget.release(reserved) }
    }

    /// Reads the body, at most `maxBodyBytes`, taking its bytes from the listener's body budget
    /// first: the declared length at once, a chunked body chunk by chunk. A body that does not fit
    /// is answered 503 without reading further (docs/serve.md#listener-limits).
    private func readBody(_ request: Request) async -> Result<ReadBody, BodyFailure> {
        let declared = request.headers[.contentLength].flatMap { Int($0) }
        if let declared, declared > maxBodyBytes {
            return .failure(BodyFailure(response: Self.closing(JSONResponse.error(.contentTooLarge, "Payload too large")), bytes: declared))
        }
        var reserved = 0
        func take(_ bytes: Int) -> Bool {
            guard bytesBudget.reserve(bytes) else { return false }
            reserved += bytes
            return true
        }
        let busy = BodyFailure(
            response: Self.closing(
                JSONResponse.error(
                    .serviceUnavailable, "The server is receiving too many request bodies at once; send this again shortly", headers: [.retryAfter: "1"])),
            bytes: declared ?? 0)
        if let declared, !take(declared) { return .failure(busy) }
        var collected = ByteBuffer()
        do {
            for try await chunk in request.body {
                guard collected.readableBytes + chunk.readableBytes <= maxBodyBytes else {
                    bytesBudget.release(reserved)
                    return .failure(
                        BodyFailure(response: Self.closing(JSONResponse.error(.contentTooLarge, "Payload too large")), bytes: maxBodyBytes + 1))
                }
                if declared == nil, !take(chunk.readableBytes) {
                    bytesBudget.release(reserved)
                    return .failure(busy)
                }
                var chunk = chunk
                collected.writeBuffer(&chunk)
            }
        } catch {
            bytesBudget.release(reserved)
            logger.debug("webhook body could not be read", metadata: ["error": .string("\(error)")])
            return .failure(BodyFailure(response: JSONResponse.error(.badRequest, "Could not read the request body"), bytes: collected.readableBytes))
        }
        // A body cut short (the listener's body timeout closed the connection) is not a delivery.
        if let declared, collected.readableBytes < declared {
            bytesBudget.release(reserved)
            return .failure(BodyFailure(response: JSONResponse.error(.badRequest, "Could not read the request body"), bytes: collected.readableBytes))
        }
        return .success(ReadBody(bytes: Array(collected.readableBytesView), reserved: reserved, budget: bytesBudget))
    }

    /// An answer sent before the body was read closes the connection rather than drain the rest.
    private static func closing(_ response: Response) -> Response {
        var response = response
        response.headers[.connection] = "close"
        return response
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
