import FCBStore
import Foundation
import Logging

/// Everything `fcb serve` is configured with (docs/configuration.md#settings), validated. Build it with
/// `ServeConfiguration.load(flags:environment:envFilePath:)` or `ServeConfigurationLoader`.
package struct ServeConfiguration: Sendable {
    package enum LogFormat: String, Sendable, CaseIterable {
        /// Human-readable on a terminal, JSON lines otherwise.
        case auto
        case text
        case json
    }

    /// PEM files for HTTPS.
    package struct TLSFiles: Sendable, Equatable {
        package var certificatePath: String
        package var keyPath: String

        package init(certificatePath: String, keyPath: String) {
            self.certificatePath = certificatePath
            self.keyPath = keyPath
        }
    }

    package var databaseURL: DatabaseURL
    package var port: Int
    /// A separate Socket.IO listener's port (`WEBSOCKET_PORT`); nil when unset or equal to
    /// `port`, and then Socket.IO is served on `port` with everything else.
    package var websocketPort: Int?
    package var host: String
    package var tls: TLSFiles?
    /// Allowed CORS origins for Socket.IO.
    package var frontendURLs: [String]
    package var metaVerifyToken: String?
    package var metaAppSecret: String?
    /// Without a trailing slash.
    package var metaGraphURL: String
    package var metaGraphAPIVersion: String
    package var jwtSecret: String?
    /// `FCB_ENV` / `NODE_ENV` as given (`development` when unset).
    package var environmentName: String
    package var workers: Int
    /// Messages per second sent to the Graph API per business phone number (Meta's throughput
    /// tier: 80 by default, up to 1,000 for numbers Meta has upgraded).
    package var sendRate: Int
    /// How long a reply Meta did not accept (5xx, 429, 130429, 131056, no connection) is tried
    /// again before it is recorded `Failed` (docs/serve.md#graph-outages); 0 records it at once.
    package var replyDeadlineSeconds: Int
    /// Open connections both listeners together accept (docs/serve.md#listener-limits).
    package var maxConnections: Int
    /// Request-body memory of all requests in flight together, in MiB.
    package var bodyBudgetMiB: Int
    /// Days done inbox items are kept (docs/serve.md#retention); 0 keeps them forever.
    package var inboxRetentionDays: Int
    /// `api` nodes may call loopback, private and link-local addresses (off: they are refused,
    /// docs/differences.md#api-node-status-limits-and-private-addresses).
    package var allowPrivateAPITargets: Bool
    package var sessionTimeoutSeconds: Int
    package var maxDelaySeconds: Int
    /// The Engine.IO/Socket.IO server's settings (docs/realtime.md#settings).
    package var socketIO = SocketIOOptions()
    package var logFormat: LogFormat
    package var logLevel: Logger.Level
    /// Things the operator should know but that do not stop a development server (e.g. no
    /// `JWT_SECRET`); the caller logs them.
    package var warnings: [String]
    /// Each setting's value as shown (secrets redacted) and its source, for `effectiveConfigLine()`.
    package var shown: [ServeSetting: (value: String, source: ServeSettingSource)]

    /// `production` (any case) turns warnings about missing secrets into refusals to start.
    package var isProduction: Bool { environmentName.lowercased() == "production" }

    /// The session timeout in the unit `ConversationEngine` takes.
    package var sessionTimeout: TimeInterval { TimeInterval(sessionTimeoutSeconds) }

    /// The `delay` node cap in the unit `FlowRunOptions` takes.
    package var maxDelayMilliseconds: Int { maxDelaySeconds * 1000 }

    /// Socket.IO's settings, as socket.io's server options name them; defaults are socket.io's.
    package struct SocketIOOptions: Sendable, Equatable {
        /// Where Engine.IO is served (socket.io-client's `path`), with its trailing slash.
        package var path = "/socket.io/"
        package var pingIntervalMilliseconds = 25_000
        package var pingTimeoutMilliseconds = 20_000
        /// A connection that has not connected to a namespace by then is closed.
        package var connectTimeoutMilliseconds = 45_000
        /// Bytes of one polling body or WebSocket message, and of a binary packet with its attachments.
        package var maxPayloadBytes = 1_000_000

        package init() {}
    }

    /// `http` or `https`.
    package var scheme: String { tls == nil ? "http" : "https" }

    /// One line with every setting and where it came from, secrets redacted:
    /// `DATABASE_URL=sqlite:./fcb.sqlite (default), PORT=3000 (default), …, META_APP_SECRET=*** (.env), …`.
    package func effectiveConfigLine() -> String {
        ServeSetting.allCases.compactMap { setting in
            shown[setting].map { "\(setting.rawValue)=\($0.value) (\($0.source.label(for: setting)))" }
        }.joined(separator: ", ")
    }
}

extension ServeConfiguration {
    /// Reads the `.env` file at `envFilePath` (a missing file is fine unless `envFileRequired`),
    /// then applies flags > environment > `.env` > defaults.
    package static func load(
        flags: [ServeSetting: String] = [:],
        environment: [String: String] = ProcessInfo.processInfo.environment,
        envFilePath: String = ".env",
        envFileRequired: Bool = false
    ) throws(ServeConfigurationError) -> ServeConfiguration {
        let file = try DotEnvFile.load(path: envFilePath)
        if file == nil, envFileRequired {
            throw ServeConfigurationError("\(envFilePath): no such file (given with --env-file)")
        }
        return try ServeConfigurationLoader(flags: flags, environment: environment, dotEnv: file).load()
    }
}
