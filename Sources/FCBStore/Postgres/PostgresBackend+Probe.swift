import FlowEngine
import Logging
import NIOPosix
import NIOSSL
import PostgresNIO

extension PostgresBackend {
    /// Opens one connection outside the pool and runs `SELECT 1`. Returns nil when that works,
    /// else the reason in an operator's words (refused, wrong password, no such database, TLS).
    package func probeFailure() async -> StoreError? {
        do {
            let connection = try await PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.any(), configuration: try settings.connectionConfiguration(), id: 0, logger: logger)
            do {
                _ = try await connection.query("SELECT 1", logger: logger).collect()
                try? await connection.close()
                return nil
            } catch {
                try? await connection.close()
                throw error
            }
        } catch let error as StoreError {
            return error
        } catch {
            return PostgresErrorMapping.storeError(error, database: displayName)
        }
    }
}
