import HTTPTypes
import Hummingbird
import Logging

/// Every error answer of the server is JSON: unknown path → 404 `{"error":"Not Found"}`, a known
/// path with another method → 405 `{"error":"Method Not Allowed"}` with `Allow`, other HTTP
/// errors with their reason phrase, anything else → 500 (logged).
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Normalised path → the methods it answers.
    let allowedMethods: [String: [HTTPRequest.Method]]
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            guard error.status == .notFound else { return JSONResponse.error(error.status, error.status.reasonPhrase) }
            guard let allowed = allowedMethods[Self.normalise(request.uri.path)] else { return JSONResponse.error(.notFound, "Not Found") }
            let allow = allowed.map(\.rawValue).joined(separator: ", ")
            var headers = HTTPFields()
            headers[.allow] = allow
            return JSONResponse.make(.methodNotAllowed, ["error": "Method Not Allowed", "allow": .string(allow)], headers: headers)
        } catch {
            logger.error(
                "request failed", metadata: ["method": .string(request.method.rawValue), "path": .string(request.uri.path), "error": .string("\(error)")])
            return JSONResponse.error(.internalServerError, "Internal Server Error")
        }
    }

    /// `/webhook/` and `//webhook` route like `/webhook` in Hummingbird's trie.
    static func normalise(_ path: String) -> String {
        "/" + path.split(separator: "/").joined(separator: "/")
    }
}
