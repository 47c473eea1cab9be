import FlowEngine
import NIOCore
import NIOSSL
import PostgresNIO

/// The one place postgres-nio configurations are built from ``PostgresSettings``: the store's
/// pool, the realtime publisher's pool, and single connections (the probe, the LISTEN session).
extension PostgresSettings {
    /// A `PostgresClient` pool. Sessions start with `startupParameters`; by default the store's:
    /// `TimeZone=UTC` (Prisma's `TIMESTAMP(3)` columns hold UTC wall time), the URL's schema as
    /// `search_path`, and the application name.
    package func clientConfiguration(
        startupParameters: [(String, String)]? = nil, maximumConnections: Int? = nil
    ) throws(StoreError) -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let directory = socketDirectory {
            configuration = .init(unixSocketPath: "\(directory)/.s.PGSQL.\(port)", username: username, password: password, database: database)
        } else {
            let tls: PostgresClient.Configuration.TLS =
                switch try tlsConfiguration() {
                case nil: .disable
                case let configuration?: self.tls == .prefer ? .prefer(configuration) : .require(configuration)
                }
            configuration = .init(host: host, port: port, username: username, password: password, database: database, tls: tls)
        }
        configuration.options.additionalStartupParameters = startupParameters ?? storeStartupParameters
        configuration.options.maximumConnections = maximumConnections ?? self.maximumConnections
        configuration.options.connectTimeout = connectTimeout
        return configuration
    }

    /// One connection outside any pool, with `startupParameters` (the store's by default).
    package func connectionConfiguration(startupParameters: [(String, String)]? = nil) throws(StoreError) -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if let directory = socketDirectory {
            configuration = .init(unixSocketPath: "\(directory)/.s.PGSQL.\(port)", username: username, password: password, database: database)
        } else {
            let tls: PostgresConnection.Configuration.TLS
            if let tlsConfiguration = try tlsConfiguration() {
                do {
                    let context = try NIOSSLContext(configuration: tlsConfiguration)
                    tls = self.tls == .prefer ? .prefer(context) : .require(context)
                } catch {
                    throw StoreError(.unavailable, "TLS setup for \(redactedDescription) failed: \(error)")
                }
            } else {
                tls = .disable
            }
            configuration = .init(host: host, port: port, username: username, password: password, database: database, tls: tls)
        }
        configuration.options.additionalStartupParameters = startupParameters ?? storeStartupParameters
        // At least 1 s, clamped: the timeout comes from the URL, and TimeAmount overflows in nanoseconds.
        let (seconds, attoseconds) = connectTimeout.components
        configuration.options.connectTimeout =
            seconds < 1 ? .seconds(1) : .seconds(min(seconds, 86_400)) + .nanoseconds(attoseconds / 1_000_000_000)
        return configuration
    }

    /// What every store session starts with.
    package var storeStartupParameters: [(String, String)] {
        [("TimeZone", "UTC"), ("search_path", schema), ("application_name", applicationName)]
    }

    /// libpq's `sslmode` as NIOSSL settings; nil for `disable`.
    package func tlsConfiguration() throws(StoreError) -> TLSConfiguration? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch tls {
        case .disable: return nil
        case .prefer, .require: configuration.certificateVerification = .none
        case .verifyCA: configuration.certificateVerification = .noHostnameVerification
        case .verifyFull: configuration.certificateVerification = .fullVerification
        }
        if let path = rootCertificatePath {
            do {
                configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(path))
            } catch {
                throw StoreError(.invalid, "cannot read the TLS root certificate \(path): \(error)")
            }
        }
        return configuration
    }
}
