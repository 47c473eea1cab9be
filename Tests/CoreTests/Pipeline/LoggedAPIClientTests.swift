import FlowEngine
import Testing

@testable import FCBPipeline

@Suite("Pipeline: refused api calls are logged")
struct LoggedAPIClientTests {
    struct Refusing: APIClient {
        let error: APIClientError
        func perform(_ request: APIRequest) async throws(APIClientError) -> APIResponse { throw error }
    }

    @Test func aPrivateTargetIsLoggedWithTheOptOut() async throws {
        let logs = LogCapture()
        let client = LoggedAPIClient(
            inner: Refusing(error: .refusedAddress("127.0.0.1 is not an allowed API target (loopback)")), logger: logs.logger())
        await #expect(throws: APIClientError.refusedAddress("127.0.0.1 is not an allowed API target (loopback)")) {
            _ = try await client.perform(APIRequest(method: "POST", url: "http://127.0.0.1:9000/x", headers: [], body: "{}"))
        }
        let entry = try #require(logs.all.first)
        #expect(entry.level == .warning)
        #expect(
            entry.message
                == #"api node call refused: 127.0.0.1 is not an allowed API target (loopback); the flow gets {"error":"API call failed"} (to let flows call private addresses, set FCB_ALLOW_PRIVATE_API_TARGETS=true)"#
        )
        #expect(entry.metadata["url"] == "http://127.0.0.1:9000/x")
    }
}
