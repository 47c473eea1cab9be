import FCBSupport
import FlowEngine
import Foundation
import Logging
import NIOSSL
import PostgresNIO

/// The production database: a postgres-nio `PostgresClient` pool. Every session starts with
/// `TimeZone=UTC` (Prisma's `TIMESTAMP(3)` columns hold UTC wall time) and the URL's schema as
/// `search_path`. Operations that cannot reach the server fail with `unavailable` after
/// `operationTimeout` instead of waiting for the pool forever.
package final class PostgresBackend: SQLDatabase {
    package let dialect = SQLDialect.postgres
    package let settings: PostgresSettings
    let client: PostgresClient
    private let runTask: Task<Void, Never>
    let operationTimeout: Duration
    let logger: Logger

    package init(
        settings: PostgresSettings, operationTimeout: Duration = .seconds(10),
        logger: Logger = Logger(label: "fcb.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws(StoreError) {
        self.settings = settings
        self.operationTimeout = operationTimeout
        self.logger = logger
        let client = PostgresClient(configuration: try Self.configuration(settings), backgroundLogger: logger)
        self.client = client
        runTask = Task { await client.run() }
    }

    deinit { runTask.cancel() }

    package var displayName: String { settings.redactedDescription }

    package func close() async {
        runTask.cancel()
        await runTask.value
    }

    @discardableResult
    package func query(_ query: SQLQuery) async throws(StoreError) -> [SQLRow] {
        let statement = try PostgresStatement(query)
        return try await withDeadline { [client, logger] in
            try await statement.run(on: client, logger: logger)
        }
    }

    package func transaction<T: Sendable>(
        _ body: @escaping @Sendable (any SQLExecutor) async throws(StoreError) -> T
    ) async throws(StoreError) -> T {
        // When the deadline passes the caller gets `unavailable`, but a COMMIT already on the wire
        // may still land: like any timeout, the outcome is unknown, so writers stay idempotent.
        try await withDeadline(operationTimeout * 3) { [client, logger] in
            try await client.withConnection { connection in
                let executor = PostgresConnectionExecutor(connection: connection, logger: logger, database: self.displayName)
                try await executor.query("BEGIN")
                do {
                    let value = try await body(executor)
                    try await executor.query("COMMIT")
                    return value
                } catch {
                    // A lost connection rolls back by itself; a failed ROLLBACK adds nothing.
                    _ = try? await executor.query("ROLLBACK")
                    throw error
                }
            }
        }
    }

    /// Runs `operation`, failing with `unavailable` when it takes longer than `operationTimeout`.
    func withDeadline<T: Sendable>(
        _ limit: Duration? = nil, _ operation: @escaping @Sendable () async throws -> T
    ) async throws(StoreError) -> T {
        let timeout = limit ?? operationTimeout
        let name = displayName
        do {
            return try await FCBSupport.withDeadline(
                timeout, onTimeout: { StoreError(.unavailable, "database \(name) did not answer within \(timeout.formattedSeconds)") },
                operation)
        } catch let error as StoreError {
            // The pool hides why it cannot connect (it retries quietly); one direct attempt says why.
            if error.kind == .unavailable, error.message.contains("did not answer"), let cause = await probeFailure() {
                throw cause
            }
            throw error
        } catch {
            throw PostgresErrorMapping.storeError(error, database: name)
        }
    }

    package static func configuration(_ s: PostgresSettings) throws(StoreError) -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let directory = s.socketDirectory {
            configuration = .init(
                unixSocketPath: "\(directory)/.s.PGSQL.\(s.port)", username: s.username, password: s.password,
                database: s.database)
        } else {
            configuration = .init(
                host: s.host, port: s.port, username: s.username, password: s.password, database: s.database,
                tls: try tls(s))
        }
        configuration.options.additionalStartupParameters = [
            ("TimeZone", "UTC"), ("search_path", s.schema), ("application_name", s.applicationName),
        ]
        configuration.options.maximumConnections = s.maximumConnections
        configuration.options.connectTimeout = s.connectTimeout
        return configuration
    }

    private static func tls(_ s: PostgresSettings) throws(StoreError) -> PostgresClient.Configuration.TLS {
        guard let tls = try tlsConfiguration(s) else { return .disable }
        return s.tls == .prefer ? .prefer(tls) : .require(tls)
    }

    package static func tlsConfiguration(_ s: PostgresSettings) throws(StoreError) -> TLSConfiguration? {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch s.tls {
        case .disable: return nil
        case .prefer, .require: tls.certificateVerification = .none
        case .verifyCA: tls.certificateVerification = .noHostnameVerification
        case .verifyFull: tls.certificateVerification = .fullVerification
        }
        if let path = s.rootCertificatePath {
            do {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(path))
            } catch {
                throw StoreError(.invalid, "cannot read the TLS root certificate \(path): \(error)")
            }
        }
        return tls
    }
}
