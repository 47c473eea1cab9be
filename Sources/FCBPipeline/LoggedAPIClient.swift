import FlowEngine
import Logging

/// An `api` node's call that `fcb serve` refuses (a private address, a URL that is not one) is
/// logged, so the operator sees why the flow took its error branch.
struct LoggedAPIClient: APIClient {
    let inner: any APIClient
    let logger: Logger

    func perform(_ request: APIRequest) async throws(APIClientError) -> APIResponse {
        do {
            return try await inner.perform(request)
        } catch {
            switch error {
            case .refusedAddress(let reason):
                logger.warning(
                    "api node call refused: \(reason); the flow gets {\"error\":\"API call failed\"} (to let flows call private addresses, set FCB_ALLOW_PRIVATE_API_TARGETS=true)",
                    metadata: ["method": "\(request.method)", "url": "\(request.url)"])
            case .invalidURL(let reason):
                logger.warning("api node call refused: \(reason)", metadata: ["method": "\(request.method)", "url": "\(request.url)"])
            case .timeout, .responseTooLarge, .network:
                logger.info("api node call failed: \(error)", metadata: ["method": "\(request.method)", "url": "\(request.url)"])
            }
            throw error
        }
    }
}
