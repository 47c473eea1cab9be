import ServiceLifecycle

/// Runs `startup`, then `service`. In `fcb serve`'s group the database's pool is a service
/// started before this one, so `startup` (schema, seed) can use it, and the listeners open only
/// once the database is ready.
struct AfterStartup<Wrapped: Service>: Service {
    let startup: @Sendable () async throws -> Void
    let service: Wrapped

    func run() async throws {
        try await startup()
        try await service.run()
    }
}

/// Startup work that failed before `fcb serve` listened (the schema, the seed): its message
/// says what to do, and the process exits with status 2 like any unreadable input.
package struct ServeStartupError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
