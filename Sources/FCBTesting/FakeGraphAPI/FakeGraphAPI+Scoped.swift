extension FakeGraphAPI {
    /// Runs `body` with a fresh fake on loopback and always stops it, also when `body` throws.
    package static func withRunning<Result>(
        rules: [FakeGraphRule] = [], _ body: (FakeGraphAPI) async throws -> Result
    ) async throws -> Result {
        let fake = try await FakeGraphAPI.start(rules: rules)
        do {
            let result = try await body(fake)
            await fake.stop()
            return result
        } catch {
            await fake.stop()
            throw error
        }
    }
}
