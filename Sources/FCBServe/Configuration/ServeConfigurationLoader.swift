import Foundation
import Logging

/// Applies the precedence flags > environment > `.env` > default to every `ServeSetting`,
/// validates each value, and reports every problem at once.
package struct ServeConfigurationLoader: Sendable {
    package var flags: [ServeSetting: String]
    package var environment: [String: String]
    package var dotEnv: DotEnvFile?

    package init(flags: [ServeSetting: String] = [:], environment: [String: String] = [:], dotEnv: DotEnvFile? = nil) {
        self.flags = flags
        self.environment = environment
        self.dotEnv = dotEnv
    }

    /// The raw text for a setting and its source; empty environment / `.env` values count as unset.
    func lookup(_ setting: ServeSetting) -> (text: String, source: ServeSettingSource)? {
        if let text = flags[setting] { return (text, .flag(setting.flag ?? setting.rawValue)) }
        for name in setting.variableNames {
            if let text = environment[name], !text.isEmpty { return (text, .environment(variable: name)) }
        }
        guard let dotEnv else { return nil }
        for name in setting.variableNames {
            if let entry = dotEnv.entries.last(where: { $0.key == name }), !entry.value.isEmpty {
                return (entry.value, .dotEnv(path: dotEnv.path, variable: name, line: entry.line))
            }
        }
        return nil
    }

    package func load() throws(ServeConfigurationError) -> ServeConfiguration {
        var reader = SettingReader(loader: self)
        let databaseURL = reader.databaseURL()
        let port = reader.port(.port, default: 3000)
        let websocketSetting = reader.optionalPort(.websocketPort, unsetLabel: "same as PORT")
        // Equal to PORT means one listener for both, as unset does.
        let websocketPort = websocketSetting == port ? nil : websocketSetting
        let host = reader.host()
        let tlsCert = reader.optionalText(.tlsCert)
        let tlsKey = reader.optionalText(.tlsKey)
        let frontendURLs = reader.frontendURLs()
        let verifyToken = reader.optionalText(.metaVerifyToken)
        let appSecret = reader.optionalText(.metaAppSecret)
        let graphURL = reader.graphURL()
        let graphVersion = reader.graphVersion()
        let jwtSecret = reader.optionalText(.jwtSecret)
        let environmentName = reader.text(.environment, default: "development")
        let workers = reader.integer(.workers, default: 32, in: 0...1024, unit: "workers")
        let sendRate = reader.integer(.sendRate, default: 80, in: 1...10_000, unit: "messages per second")
        let replyDeadline = reader.integer(.replyDeadline, default: 3600, in: 0...604_800, unit: "seconds")
        let inboxRetentionDays = reader.integer(.inboxRetentionDays, default: 7, in: 0...3650, unit: "days")
        let maxConnections = reader.integer(.maxConnections, default: 10_000, in: 16...1_000_000, unit: "connections")
        let bodyBudgetMiB = reader.integer(.bodyBudgetMiB, default: 64, in: 4...65_536, unit: "MiB")
        let allowPrivateAPITargets = reader.choice(
            .allowPrivateAPITargets, default: ("false", false),
            names: [("false", false), ("true", true), ("no", false), ("yes", true), ("0", false), ("1", true)])
        let sessionTimeout = reader.integer(.sessionTimeout, default: 86_400, in: 1...31_536_000, unit: "seconds")
        let maxDelay = reader.integer(.maxDelay, default: 60, in: 0...86_400, unit: "seconds")
        var socketIO = ServeConfiguration.SocketIOOptions()
        socketIO.path = reader.socketIOPath(default: socketIO.path)
        socketIO.pingIntervalMilliseconds = reader.integer(
            .socketIOPingInterval, default: socketIO.pingIntervalMilliseconds, in: 100...3_600_000, unit: "milliseconds")
        socketIO.pingTimeoutMilliseconds = reader.integer(
            .socketIOPingTimeout, default: socketIO.pingTimeoutMilliseconds, in: 100...3_600_000, unit: "milliseconds")
        socketIO.connectTimeoutMilliseconds = reader.integer(
            .socketIOConnectTimeout, default: socketIO.connectTimeoutMilliseconds, in: 100...3_600_000, unit: "milliseconds")
        socketIO.maxPayloadBytes = reader.integer(.socketIOMaxPayload, default: socketIO.maxPayloadBytes, in: 1_024...104_857_600, unit: "bytes")
        let logFormat = reader.choice(
            .logFormat, default: ("auto", ServeConfiguration.LogFormat.auto), names: ServeConfiguration.LogFormat.allCases.map { ($0.rawValue, $0) })
        let logLevel = reader.choice(
            .logLevel, default: ("info", Logger.Level.info), names: Logger.Level.allCases.map { ($0.rawValue, $0) } + [("warn", .warning)])

        var tls: ServeConfiguration.TLSFiles?
        switch (tlsCert, tlsKey) {
        case (let cert?, let key?): tls = .init(certificatePath: cert, keyPath: key)
        case (.some, nil): reader.problems.append("TLS_CERT is set but TLS_KEY is not: give both PEM files for HTTPS, or neither for plain HTTP")
        case (nil, .some): reader.problems.append("TLS_KEY is set but TLS_CERT is not: give both PEM files for HTTPS, or neither for plain HTTP")
        case (nil, nil): tls = nil
        }

        var warnings: [String] = []
        let isProduction = environmentName.lowercased() == "production"
        if jwtSecret == nil {
            if isProduction {
                reader.problems.append(
                    "JWT_SECRET is not set and the environment is production: refusing to accept unauthenticated Socket.IO connections (set JWT_SECRET to the dashboard's secret)"
                )
            } else {
                warnings.append(
                    "JWT_SECRET is not set: Socket.IO connections will not be authenticated (set it to the dashboard's secret; in production this stops fcb from starting)"
                )
            }
        }

        if !reader.problems.isEmpty {
            let list = reader.problems
            throw ServeConfigurationError(
                list.count == 1 ? list[0] : "\(list.count) problems in the configuration:\n" + list.map { "  - \($0)" }.joined(separator: "\n"))
        }
        return ServeConfiguration(
            databaseURL: databaseURL, port: port, websocketPort: websocketPort, host: host, tls: tls,
            frontendURLs: frontendURLs, metaVerifyToken: verifyToken, metaAppSecret: appSecret,
            metaGraphURL: graphURL, metaGraphAPIVersion: graphVersion, jwtSecret: jwtSecret,
            environmentName: environmentName, workers: workers, sendRate: sendRate, replyDeadlineSeconds: replyDeadline,
            maxConnections: maxConnections, bodyBudgetMiB: bodyBudgetMiB, inboxRetentionDays: inboxRetentionDays,
            allowPrivateAPITargets: allowPrivateAPITargets, sessionTimeoutSeconds: sessionTimeout,
            maxDelaySeconds: maxDelay, socketIO: socketIO, logFormat: logFormat, logLevel: logLevel, warnings: warnings, shown: reader.shown)
    }
}
