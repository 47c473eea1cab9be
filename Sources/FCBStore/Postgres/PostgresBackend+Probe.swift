import FlowEngine
import Logging
import NIOPosix
import NIOSSL
import PostgresNIO

extension PostgresBackend {
    /// Opens one connection outside the pool and runs `SELECT 1`. Returns nil when that works,
    /// else the reason in an operator's words (refused, wrong password, no such database, TLS).
    package func probeFailure() async -> StoreError? {
        let s = settings
        do {
            var configuration: PostgresConnection.Configuration
            if let directory = s.socketDirectory {
                configuration = .init(unixSocketPath: "\(directory)/.s.PGSQL.\(s.port)", username: s.username, password: s.password, database: s.database)
            } else {
                let tls: PostgresConnection.Configuration.TLS
                if let tlsConfiguration = try Self.tlsConfiguration(s) {
                    let context = try NIOSSLContext(configuration: tlsConfiguration)
                    tls = s.tls == .prefer ? .prefer(context) : .require(context)
                } else {
                    tls = .disable
                }
                configuration = .init(host: s.host, port: s.port, username: s.username, password: s.password, database: s.database, tls: tls)
            }
            let (seconds, _) = s.connectTimeout.components
            configuration.options.connectTimeout = .seconds(max(1, seconds))
            configuration.options.additionalStartupParameters = [("TimeZone", "UTC"), ("search_path", s.schema)]
            let connection = try await PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: 0, logger: logger)
            defer { Task { try? await connection.close() } }
            _ = try await connection.query("SELECT 1", logger: logger).collect()
            return nil
        } catch let error as StoreError {
            return error
        } catch {
            return PostgresErrorMapping.storeError(error, database: displayName)
        }
    }
}
