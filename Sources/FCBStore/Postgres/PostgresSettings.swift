import Foundation

/// Connection settings read from a PostgreSQL URL. Follows libpq's meaning of `sslmode` and
/// Prisma's extra options (`schema`, `connection_limit`, `sslaccept`, `sslcert` as the CA file),
/// so the dashboard's `DATABASE_URL` works unchanged.
package struct PostgresSettings: Sendable, Equatable {
    package enum TLSMode: String, Sendable, Equatable {
        /// No TLS.
        case disable
        /// TLS when the server offers it, without certificate checks (libpq's default).
        case prefer
        /// TLS or fail; the certificate is not checked (libpq `require`).
        case require
        /// TLS; the chain must lead to a trusted root, any host name (libpq `verify-ca`).
        case verifyCA = "verify-ca"
        /// TLS; chain and host name are checked (libpq `verify-full`, Prisma `sslaccept=strict`).
        case verifyFull = "verify-full"
    }

    package var host: String
    package var port: Int
    /// A directory holding the server's Unix socket (`?host=/var/run/postgresql`), instead of TCP.
    package var socketDirectory: String?
    package var username: String
    package var password: String?
    package var database: String?
    /// Prisma's `schema=`: the `search_path` for the shared tables. Default `public`.
    package var schema: String
    package var tls: TLSMode
    /// PEM file of trusted roots (`sslrootcert`, or Prisma's `sslcert`).
    package var rootCertificatePath: String?
    package var maximumConnections: Int
    package var connectTimeout: Duration
    package var applicationName: String

    package init(
        host: String = "127.0.0.1", port: Int = 5432, socketDirectory: String? = nil, username: String = "postgres",
        password: String? = nil, database: String? = nil, schema: String = "public", tls: TLSMode = .prefer,
        rootCertificatePath: String? = nil, maximumConnections: Int = 10, connectTimeout: Duration = .seconds(5),
        applicationName: String = "fcb"
    ) {
        self.host = host
        self.port = port
        self.socketDirectory = socketDirectory
        self.username = username
        self.password = password
        self.database = database
        self.schema = schema
        self.tls = tls
        self.rootCertificatePath = rootCertificatePath
        self.maximumConnections = maximumConnections
        self.connectTimeout = connectTimeout
        self.applicationName = applicationName
    }

    package init(url text: String) throws(DatabaseURLError) {
        let shown = DatabaseURLError.redacted(text)
        guard let components = URLComponents(string: text) else {
            throw DatabaseURLError("\(shown): not a valid URL (percent-encode special characters in the password)")
        }
        self.init()
        host = components.percentEncodedHost.flatMap { $0.removingPercentEncoding } ?? ""
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if let port = components.port {
            guard (1...65_535).contains(port) else { throw DatabaseURLError("\(shown): port \(port) is out of range") }
            self.port = port
        }
        if let user = components.percentEncodedUser, !user.isEmpty { username = user.removingPercentEncoding ?? user }
        if let password = components.percentEncodedPassword { self.password = password.removingPercentEncoding ?? password }
        let path = components.percentEncodedPath
        if path.count > 1 { database = String(path.dropFirst()).removingPercentEncoding }

        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name.lowercased() {
            case "schema", "currentschema":
                guard !value.isEmpty else { throw DatabaseURLError("\(shown): schema= is empty") }
                schema = value
            case "sslmode":
                switch value.lowercased() {
                case "disable": tls = .disable
                case "allow", "prefer": tls = .prefer
                case "require", "no-verify": tls = .require
                case "verify-ca": tls = .verifyCA
                case "verify-full": tls = .verifyFull
                default:
                    throw DatabaseURLError(
                        "\(shown): sslmode=\(value) is not one of disable, prefer, require, verify-ca, verify-full")
                }
            case "sslaccept":
                // Prisma: strict checks the certificate; accept_invalid_certs does not.
                if value == "strict", tls != .disable { tls = .verifyFull }
                if value == "accept_invalid_certs", tls == .verifyFull || tls == .verifyCA { tls = .require }
            case "sslrootcert", "sslcert":
                rootCertificatePath = value
            case "connection_limit":
                guard let limit = Int(value), limit > 0 else {
                    throw DatabaseURLError("\(shown): connection_limit=\(value) must be a positive integer")
                }
                maximumConnections = limit
            case "connect_timeout":
                guard let seconds = Int(value), seconds >= 0 else {
                    throw DatabaseURLError("\(shown): connect_timeout=\(value) must be a number of seconds")
                }
                if seconds > 0 { connectTimeout = .seconds(seconds) }
            case "host":
                if value.hasPrefix("/") { socketDirectory = value } else if !value.isEmpty { host = value }
            case "application_name":
                applicationName = value
            default:
                break  // pgbouncer, pool_timeout, statement_cache_size, …: Prisma-only tuning
            }
        }
        if host.isEmpty && socketDirectory == nil { host = "127.0.0.1" }
        if rootCertificatePath != nil && tls == .prefer { tls = .verifyCA }
    }

    package var redactedDescription: String {
        let target = socketDirectory.map { "\($0)/.s.PGSQL.\(port)" } ?? "\(host.contains(":") ? "[\(host)]" : host):\(port)"
        return "postgres://\(username)\(password == nil ? "" : ":***")@\(target)/\(database ?? username)"
            + (schema == "public" ? "" : "?schema=\(schema)") + " (tls \(tls.rawValue))"
    }
}
