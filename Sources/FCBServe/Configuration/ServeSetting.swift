/// One setting of `fcb serve` (docs/configuration.md#settings), in the order the effective
/// configuration line lists them. The raw value is the environment variable's name.
package enum ServeSetting: String, CaseIterable, Sendable, Hashable {
    case databaseURL = "DATABASE_URL"
    case port = "PORT"
    case websocketPort = "WEBSOCKET_PORT"
    case host = "HOST"
    case tlsCert = "TLS_CERT"
    case tlsKey = "TLS_KEY"
    case frontendURL = "FRONTEND_URL"
    case metaVerifyToken = "META_VERIFY_TOKEN"
    case metaAppSecret = "META_APP_SECRET"
    case metaGraphURL = "META_GRAPH_URL"
    case metaGraphAPIVersion = "META_GRAPH_API_VERSION"
    case jwtSecret = "JWT_SECRET"
    /// `FCB_ENV`, or the seed's `NODE_ENV` (within one source `FCB_ENV` wins).
    case environment = "FCB_ENV"
    case workers = "FCB_WORKERS"
    case sendRate = "FCB_SEND_RATE"
    case replyDeadline = "FCB_REPLY_DEADLINE"
    case inboxRetentionDays = "FCB_INBOX_RETENTION_DAYS"
    case maxConnections = "FCB_MAX_CONNECTIONS"
    case bodyBudgetMiB = "FCB_BODY_BUDGET_MIB"
    case allowPrivateAPITargets = "FCB_ALLOW_PRIVATE_API_TARGETS"
    case sessionTimeout = "FCB_SESSION_TIMEOUT"
    case maxDelay = "FCB_MAX_DELAY"
    case socketIOPath = "FCB_SOCKETIO_PATH"
    case socketIOPingInterval = "FCB_SOCKETIO_PING_INTERVAL"
    case socketIOPingTimeout = "FCB_SOCKETIO_PING_TIMEOUT"
    case socketIOConnectTimeout = "FCB_SOCKETIO_CONNECT_TIMEOUT"
    case socketIOMaxPayload = "FCB_SOCKETIO_MAX_PAYLOAD"
    case logFormat = "FCB_LOG_FORMAT"
    case logLevel = "FCB_LOG_LEVEL"

    /// The variables read for this setting, in order of preference within one source.
    package var variableNames: [String] {
        self == .environment ? ["FCB_ENV", "NODE_ENV"] : [rawValue]
    }

    /// The `fcb serve` flag that sets it, if any.
    package var flag: String? {
        switch self {
        case .databaseURL: "--database-url"
        case .port: "--port"
        case .websocketPort: "--websocket-port"
        case .host: "--host"
        case .tlsCert: "--tls-cert"
        case .tlsKey: "--tls-key"
        case .workers: "--workers"
        case .sendRate: "--send-rate"
        case .replyDeadline: "--reply-deadline"
        case .maxConnections: "--max-connections"
        case .bodyBudgetMiB: "--body-budget-mib"
        case .allowPrivateAPITargets: "--allow-private-api-targets"
        case .inboxRetentionDays: "--inbox-retention-days"
        case .sessionTimeout: "--session-timeout"
        case .maxDelay: "--max-delay"
        case .socketIOPath: "--socketio-path"
        case .socketIOPingInterval: "--socketio-ping-interval"
        case .socketIOPingTimeout: "--socketio-ping-timeout"
        case .socketIOConnectTimeout: "--socketio-connect-timeout"
        case .socketIOMaxPayload: "--socketio-max-payload"
        case .logFormat: "--log-format"
        case .logLevel: "--log-level"
        case .frontendURL, .metaVerifyToken, .metaAppSecret, .metaGraphURL, .metaGraphAPIVersion,
            .jwtSecret, .environment:
            nil
        }
    }

    /// Shown as `***` in the effective configuration line.
    package var isSecret: Bool { self == .metaVerifyToken || self == .metaAppSecret || self == .jwtSecret }
}

/// Where a setting's value came from (precedence: flag > environment > `.env` > default).
package enum ServeSettingSource: Sendable, Equatable {
    case flag(String)
    case environment(variable: String)
    case dotEnv(path: String, variable: String, line: Int)
    case defaultValue

    /// For the effective configuration line: `flag`, `env`, `.env`, `default` (plus the variable
    /// when it is not the setting's usual name, e.g. `env NODE_ENV`).
    func label(for setting: ServeSetting) -> String {
        switch self {
        case .flag: "flag"
        case .environment(let variable): variable == setting.rawValue ? "env" : "env \(variable)"
        case .dotEnv(let path, let variable, _):
            variable == setting.rawValue ? Self.fileName(path) : "\(Self.fileName(path)) \(variable)"
        case .defaultValue: "default"
        }
    }

    /// For error messages: `--port`, `PORT in the environment`, `PORT in .env:3`.
    func describe(_ setting: ServeSetting) -> String {
        switch self {
        case .flag(let flag): flag
        case .environment(let variable): "\(variable) (environment)"
        case .dotEnv(let path, let variable, let line): "\(variable) (\(path):\(line))"
        case .defaultValue: "\(setting.rawValue) (default)"
        }
    }

    private static func fileName(_ path: String) -> String {
        path.hasPrefix("./") ? String(path.dropFirst(2)) : path
    }
}
