import Foundation
import Logging

/// Everything `fcb serve` is configured with (SPEC §2), validated. Build it with
/// `ServeConfiguration.load(flags:environment:envFilePath:)` or `ServeConfigurationLoader`.
public struct ServeConfiguration: Sendable {
    public enum LogFormat: String, Sendable, CaseIterable {
        /// Human-readable on a terminal, JSON lines otherwise.
        case auto
        case text
        case json
    }

    /// PEM files for HTTPS.
    public struct TLSFiles: Sendable, Equatable {
        public var certificatePath: String
        public var keyPath: String

        public init(certificatePath: String, keyPath: String) {
            self.certificatePath = certificatePath
            self.keyPath = keyPath
        }
    }

    public var databaseURL: DatabaseURL
    public var port: Int
    /// A separate Socket.IO listener's port (`WEBSOCKET_PORT`); nil when unset or equal to
    /// `port`, and then Socket.IO is served on `port` with everything else.
    public var websocketPort: Int?
    public var host: String
    public var tls: TLSFiles?
    /// Allowed CORS origins for Socket.IO.
    public var frontendURLs: [String]
    public var metaVerifyToken: String?
    public var metaAppSecret: String?
    /// Without a trailing slash.
    public var metaGraphURL: String
    public var metaGraphAPIVersion: String
    public var jwtSecret: String?
    /// `FCB_ENV` / `NODE_ENV` as given (`development` when unset).
    public var environmentName: String
    public var workers: Int
    public var sessionTimeoutSeconds: Int
    public var maxDelaySeconds: Int
    public var logFormat: LogFormat
    public var logLevel: Logger.Level
    /// Things the operator should know but that do not stop a development server (e.g. no
    /// `JWT_SECRET`); the caller logs them.
    public var warnings: [String]
    /// Each setting's value as shown (secrets redacted) and its source, for `effectiveConfigLine()`.
    public var shown: [ServeSetting: (value: String, source: ServeSettingSource)]

    /// `production` (any case) turns warnings about missing secrets into refusals to start.
    public var isProduction: Bool { environmentName.lowercased() == "production" }

    /// The session timeout in the unit `ConversationEngine` takes.
    public var sessionTimeout: TimeInterval { TimeInterval(sessionTimeoutSeconds) }

    /// The `delay` node cap in the unit `FlowRunOptions` takes.
    public var maxDelayMilliseconds: Int { maxDelaySeconds * 1000 }

    /// `http` or `https`.
    public var scheme: String { tls == nil ? "http" : "https" }

    /// One line with every setting and where it came from, secrets redacted:
    /// `DATABASE_URL=sqlite:./fcb.sqlite (default), PORT=3000 (default), …, META_APP_SECRET=*** (.env), …`.
    public func effectiveConfigLine() -> String {
        ServeSetting.allCases.compactMap { setting in
            shown[setting].map { "\(setting.rawValue)=\($0.value) (\($0.source.label(for: setting)))" }
        }.joined(separator: ", ")
    }
}

extension ServeConfiguration {
    /// Reads the `.env` file at `envFilePath` (a missing file is fine unless `envFileRequired`),
    /// then applies flags > environment > `.env` > defaults.
    public static func load(
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
