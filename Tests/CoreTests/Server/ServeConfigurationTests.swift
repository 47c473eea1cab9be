import FCBServe
import Foundation
import Logging
import Testing

@Suite("fcb serve configuration")
struct ServeConfigurationTests {
    private let productionSecret = ["JWT_SECRET": "s3cret"]

    private func load(
        flags: [ServeSetting: String] = [:], environment: [String: String] = [:], dotEnv: String? = nil
    ) throws -> ServeConfiguration {
        let file = try dotEnv.map { try DotEnvFile.parse($0, path: ".env") }
        return try ServeConfigurationLoader(flags: flags, environment: environment, dotEnv: file).load()
    }

    private func failure(flags: [ServeSetting: String] = [:], environment: [String: String] = [:], dotEnv: String? = nil) -> String? {
        do {
            _ = try load(flags: flags, environment: environment, dotEnv: dotEnv)
            return nil
        } catch let error as ServeConfigurationError {
            return error.message
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func defaults() throws {
        let configuration = try load()
        #expect(configuration.databaseURL == .embeddedDefault)
        #expect(configuration.port == 3000)
        #expect(configuration.websocketPort == nil)
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.tls == nil)
        #expect(configuration.frontendURLs == ["http://localhost:3000"])
        #expect(configuration.metaVerifyToken == nil)
        #expect(configuration.metaAppSecret == nil)
        #expect(configuration.metaGraphURL == "https://graph.facebook.com")
        #expect(configuration.metaGraphAPIVersion == "v23.0")
        #expect(configuration.jwtSecret == nil)
        #expect(configuration.environmentName == "development")
        #expect(!configuration.isProduction)
        #expect(configuration.workers == 32)
        #expect(configuration.sendRate == 80)
        #expect(configuration.sessionTimeoutSeconds == 86_400)
        #expect(configuration.sessionTimeout == 86_400)
        #expect(configuration.maxDelaySeconds == 60)
        #expect(configuration.maxDelayMilliseconds == 60_000)
        #expect(configuration.logFormat == .auto)
        #expect(configuration.logLevel == .info)
        #expect(configuration.scheme == "http")
        #expect(
            configuration.effectiveConfigLine()
                == "DATABASE_URL=sqlite:./fcb.sqlite (default), PORT=3000 (default), WEBSOCKET_PORT=same as PORT (default), HOST=127.0.0.1 (default), "
                + "TLS_CERT=none (default), TLS_KEY=none (default), FRONTEND_URL=http://localhost:3000 (default), META_VERIFY_TOKEN=none (default), "
                + "META_APP_SECRET=none (default), META_GRAPH_URL=https://graph.facebook.com (default), META_GRAPH_API_VERSION=v23.0 (default), "
                + "JWT_SECRET=none (default), FCB_ENV=development (default), FCB_WORKERS=32 (default), FCB_SEND_RATE=80 (default), FCB_REPLY_DEADLINE=3600 (default), FCB_INBOX_RETENTION_DAYS=7 (default), FCB_MAX_CONNECTIONS=10000 (default), FCB_BODY_BUDGET_MIB=64 (default), FCB_ALLOW_PRIVATE_API_TARGETS=false (default), FCB_SESSION_TIMEOUT=86400 (default), "
                + "FCB_MAX_DELAY=60 (default), FCB_SOCKETIO_PATH=/socket.io/ (default), FCB_SOCKETIO_PING_INTERVAL=25000 (default), "
                + "FCB_SOCKETIO_PING_TIMEOUT=20000 (default), FCB_SOCKETIO_CONNECT_TIMEOUT=45000 (default), FCB_SOCKETIO_MAX_PAYLOAD=1000000 (default), "
                + "FCB_LOG_FORMAT=auto (default), FCB_LOG_LEVEL=info (default)")
        // socket.io's own defaults reach the Engine.IO and Socket.IO servers.
        let engine = configuration.engineIOSettings
        #expect(engine.pingInterval == .seconds(25) && engine.pingTimeout == .seconds(20) && engine.maxPayload == 1_000_000)
        #expect(engine.path == "/socket.io/")
        #expect(configuration.socketIOSettings(tokenVerifier: nil).connectTimeout == .seconds(45))
    }

    @Test func socketIOSettingsAreReadAndChecked() throws {
        let configuration = try load(
            flags: [.socketIOPingInterval: "300", .socketIOPath: "/realtime"],
            environment: ["FCB_SOCKETIO_PING_TIMEOUT": "200", "FCB_SOCKETIO_CONNECT_TIMEOUT": "1000"],
            dotEnv: "FCB_SOCKETIO_MAX_PAYLOAD=2048\n")
        let engine = configuration.engineIOSettings
        #expect(engine.pingInterval == .milliseconds(300) && engine.pingTimeout == .milliseconds(200) && engine.maxPayload == 2048)
        #expect(engine.path == "/realtime/")
        let sockets = configuration.socketIOSettings(tokenVerifier: nil)
        #expect(sockets.connectTimeout == .seconds(1) && sockets.maxPayload == 2048)
        #expect(configuration.effectiveConfigLine().contains("FCB_SOCKETIO_PATH=/realtime/ (flag)"))
        #expect(try load(environment: ["FCB_SOCKETIO_PATH": "/ws/io//"]).socketIO.path == "/ws/io/")
        for (setting, value, expected) in [
            ("FCB_SOCKETIO_PING_INTERVAL", "25s", "a whole number of milliseconds from 100 to 3600000"),
            ("FCB_SOCKETIO_PING_TIMEOUT", "99", "a whole number of milliseconds from 100 to 3600000"),
            ("FCB_SOCKETIO_CONNECT_TIMEOUT", "3600001", "a whole number of milliseconds from 100 to 3600000"),
            ("FCB_SOCKETIO_MAX_PAYLOAD", "1000", "a whole number of bytes from 1024 to 104857600"),
            ("FCB_SOCKETIO_PATH", "socket.io", "an absolute URL path such as /socket.io/ (letters, digits, - . _ ~ and /)"),
            ("FCB_SOCKETIO_PATH", "/a b", "an absolute URL path such as /socket.io/ (letters, digits, - . _ ~ and /)"),
            ("FCB_SOCKETIO_PATH", "/", "an absolute URL path such as /socket.io/ (letters, digits, - . _ ~ and /)"),
        ] {
            #expect(failure(environment: [setting: value]) == "invalid \(setting) (environment) \"\(value)\": expected \(expected)")
        }
        #expect(
            failure(environment: ["FCB_SOCKETIO_PATH": "/webhook/"])
                == "invalid FCB_SOCKETIO_PATH (environment) \"/webhook/\": /webhook is one of fcb serve's own routes; choose another path")
    }

    @Test func flagsBeatEnvironmentBeatsDotEnvBeatsDefault() throws {
        let dotEnv = "PORT=1111\nHOST=10.0.0.1\nFCB_WORKERS=3\nMETA_APP_SECRET=from-file\n"
        let environment = ["PORT": "2222", "HOST": "0.0.0.0"]
        let configuration = try load(flags: [.port: "3333"], environment: environment, dotEnv: dotEnv)
        #expect(configuration.port == 3333)
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.workers == 3)
        #expect(configuration.metaAppSecret == "from-file")
        #expect(configuration.maxDelaySeconds == 60)
        #expect(configuration.shown[.port]?.source == .flag("--port"))
        #expect(configuration.shown[.host]?.source == .environment(variable: "HOST"))
        #expect(configuration.shown[.workers]?.source == .dotEnv(path: ".env", variable: "FCB_WORKERS", line: 3))
        #expect(configuration.shown[.maxDelay]?.source == .defaultValue)

        let withoutFlag = try load(environment: environment, dotEnv: dotEnv)
        #expect(withoutFlag.port == 2222)
        let fileOnly = try load(dotEnv: dotEnv)
        #expect(fileOnly.port == 1111)
        #expect(fileOnly.host == "10.0.0.1")
    }

    @Test func sendRateAndRetentionRefuseBadValues() throws {
        #expect(try load(environment: ["FCB_SEND_RATE": "1000", "FCB_INBOX_RETENTION_DAYS": "0"]).sendRate == 1000)
        #expect(try load(flags: [.inboxRetentionDays: "30"]).inboxRetentionDays == 30)
        for value in ["fast", "0", "10001", "2.5", String(repeating: "9", count: 80)] {
            #expect(
                failure(environment: ["FCB_SEND_RATE": value])
                    == "invalid FCB_SEND_RATE (environment) \"\(value)\": expected a whole number of messages per second from 1 to 10000")
        }
        for value in ["-1", "seven", "3651"] {
            #expect(
                failure(environment: ["FCB_INBOX_RETENTION_DAYS": value])
                    == "invalid FCB_INBOX_RETENTION_DAYS (environment) \"\(value)\": expected a whole number of days from 0 to 3650")
        }
    }

    @Test func listenerLimitsAndTheReplyDeadlineRefuseBadValues() throws {
        let configuration = try load(environment: ["FCB_MAX_CONNECTIONS": "500", "FCB_BODY_BUDGET_MIB": "16", "FCB_REPLY_DEADLINE": "0"])
        #expect(configuration.maxConnections == 500)
        #expect(configuration.bodyBudgetMiB == 16)
        #expect(configuration.replyDeadlineSeconds == 0)
        #expect(try load(flags: [.replyDeadline: "600", .maxConnections: "20000", .bodyBudgetMiB: "128"]).replyDeadlineSeconds == 600)
        for value in ["many", "15", "1000001", "-5"] {
            #expect(
                failure(environment: ["FCB_MAX_CONNECTIONS": value])
                    == "invalid FCB_MAX_CONNECTIONS (environment) \"\(value)\": expected a whole number of connections from 16 to 1000000")
        }
        for value in ["3", "1.5", "65537"] {
            #expect(
                failure(environment: ["FCB_BODY_BUDGET_MIB": value])
                    == "invalid FCB_BODY_BUDGET_MIB (environment) \"\(value)\": expected a whole number of MiB from 4 to 65536")
        }
        for value in ["1h", "-1", "604801"] {
            #expect(
                failure(environment: ["FCB_REPLY_DEADLINE": value])
                    == "invalid FCB_REPLY_DEADLINE (environment) \"\(value)\": expected a whole number of seconds from 0 to 604800")
        }
    }

    @Test func privateAPITargetsAreOffUnlessAsked() throws {
        #expect(try load().allowPrivateAPITargets == false)
        #expect(try load(environment: ["FCB_ALLOW_PRIVATE_API_TARGETS": "yes"]).allowPrivateAPITargets)
        #expect(try load(flags: [.allowPrivateAPITargets: "true"]).allowPrivateAPITargets)
        #expect(
            failure(environment: ["FCB_ALLOW_PRIVATE_API_TARGETS": "maybe"])
                == "invalid FCB_ALLOW_PRIVATE_API_TARGETS (environment) \"maybe\": expected one of false, true, no, yes, 0, 1")
    }

    @Test func emptyEnvironmentValuesCountAsUnset() throws {
        let configuration = try load(environment: ["PORT": "", "META_APP_SECRET": ""], dotEnv: "PORT=4000\n")
        #expect(configuration.port == 4000)
        #expect(configuration.metaAppSecret == nil)
    }

    @Test func effectiveLineRedactsSecretsAndNamesSources() throws {
        let dotEnv = """
            DATABASE_URL="postgres://fcb:hunter2@db.internal:5432/chatbots?schema=public&sslmode=require"
            META_APP_SECRET=abcdef0123456789
            META_VERIFY_TOKEN='verify-me'
            NODE_ENV=production
            """
        let environment = [
            "JWT_SECRET": "jwt-secret-value", "FRONTEND_URL": "https://a.example, https://b.example", "META_GRAPH_URL": "http://127.0.0.1:9999/",
        ]
        let flags: [ServeSetting: String] = [.host: "0.0.0.0", .port: "0", .logFormat: "JSON", .logLevel: "debug", .sessionTimeout: "600"]
        let configuration = try load(flags: flags, environment: environment, dotEnv: dotEnv)
        #expect(configuration.isProduction)
        #expect(configuration.environmentName == "production")
        #expect(configuration.logFormat == .json)
        #expect(configuration.logLevel == .debug)
        #expect(configuration.metaGraphURL == "http://127.0.0.1:9999")
        #expect(configuration.frontendURLs == ["https://a.example", "https://b.example"])
        #expect(configuration.warnings.isEmpty)
        #expect(
            configuration.effectiveConfigLine()
                == "DATABASE_URL=postgres://fcb:***@db.internal:5432/chatbots?schema=public&sslmode=require (.env), PORT=0 (flag), "
                + "WEBSOCKET_PORT=same as PORT (default), HOST=0.0.0.0 (flag), TLS_CERT=none (default), TLS_KEY=none (default), "
                + "FRONTEND_URL=https://a.example,https://b.example (env), META_VERIFY_TOKEN=*** (.env), META_APP_SECRET=*** (.env), "
                + "META_GRAPH_URL=http://127.0.0.1:9999 (env), META_GRAPH_API_VERSION=v23.0 (default), JWT_SECRET=*** (env), "
                + "FCB_ENV=production (.env NODE_ENV), FCB_WORKERS=32 (default), FCB_SEND_RATE=80 (default), FCB_REPLY_DEADLINE=3600 (default), FCB_INBOX_RETENTION_DAYS=7 (default), FCB_MAX_CONNECTIONS=10000 (default), FCB_BODY_BUDGET_MIB=64 (default), FCB_ALLOW_PRIVATE_API_TARGETS=false (default), FCB_SESSION_TIMEOUT=600 (flag), FCB_MAX_DELAY=60 (default), "
                + "FCB_SOCKETIO_PATH=/socket.io/ (default), FCB_SOCKETIO_PING_INTERVAL=25000 (default), FCB_SOCKETIO_PING_TIMEOUT=20000 (default), "
                + "FCB_SOCKETIO_CONNECT_TIMEOUT=45000 (default), FCB_SOCKETIO_MAX_PAYLOAD=1000000 (default), "
                + "FCB_LOG_FORMAT=json (flag), FCB_LOG_LEVEL=debug (flag)")
        let line = configuration.effectiveConfigLine()
        for secret in ["hunter2", "abcdef0123456789", "verify-me", "jwt-secret-value"] { #expect(!line.contains(secret)) }
    }

    @Test func passwordOptionInDatabaseURLIsRedacted() throws {
        let configuration = try load(environment: ["DATABASE_URL": "postgresql://fcb@localhost/db?password=topsecret&sslmode=disable"])
        #expect(configuration.shown[.databaseURL]?.value == "postgresql://fcb@localhost/db?password=***&sslmode=disable")
    }

    @Test func fcbEnvWinsOverNodeEnvWithinOneSource() throws {
        let configuration = try load(environment: ["NODE_ENV": "production", "FCB_ENV": "staging"])
        #expect(configuration.environmentName == "staging")
        #expect(!configuration.isProduction)
        #expect(configuration.shown[.environment]?.source == .environment(variable: "FCB_ENV"))
        let nodeOnly = try load(environment: ["NODE_ENV": "Production", "JWT_SECRET": "x"])
        #expect(nodeOnly.isProduction)
        #expect(nodeOnly.effectiveConfigLine().contains("FCB_ENV=Production (env NODE_ENV)"))
    }

    @Test func missingJWTSecretWarnsInDevelopmentAndRefusesInProduction() throws {
        let development = try load()
        #expect(development.warnings.count == 1)
        #expect(development.warnings.first?.hasPrefix("JWT_SECRET is not set: Socket.IO connections will not be authenticated") == true)
        #expect(
            failure(environment: ["FCB_ENV": "production"])
                == "JWT_SECRET is not set and the environment is production: refusing to accept unauthenticated Socket.IO connections (set JWT_SECRET to the dashboard's secret)"
        )
        #expect(try load(environment: ["FCB_ENV": "production", "JWT_SECRET": "x"]).warnings.isEmpty)
    }

    @Test func tlsNeedsBothFiles() throws {
        #expect(failure(flags: [.tlsCert: "cert.pem"]) == "TLS_CERT is set but TLS_KEY is not: give both PEM files for HTTPS, or neither for plain HTTP")
        #expect(failure(environment: ["TLS_KEY": "key.pem"]) == "TLS_KEY is set but TLS_CERT is not: give both PEM files for HTTPS, or neither for plain HTTP")
        let both = try load(flags: [.tlsCert: "cert.pem"], dotEnv: "TLS_KEY=key.pem\n")
        #expect(both.tls == ServeConfiguration.TLSFiles(certificatePath: "cert.pem", keyPath: "key.pem"))
        #expect(both.scheme == "https")
    }

    @Test(arguments: [
        ([ServeSetting.port: "abc"], [String: String](), #"invalid --port "abc": expected a port number from 0 to 65535 (0 picks a free port)"#),
        ([:], ["PORT": "70000"], #"invalid PORT (environment) "70000": expected a port number from 0 to 65535 (0 picks a free port)"#),
        ([:], ["WEBSOCKET_PORT": "-1"], #"invalid WEBSOCKET_PORT (environment) "-1": expected a port number from 0 to 65535 (0 picks a free port)"#),
        ([.logFormat: "yaml"], [:], #"invalid --log-format "yaml": expected one of auto, text, json"#),
        ([.logLevel: "loud"], [:], #"invalid --log-level "loud": expected one of trace, debug, info, notice, warning, error, critical, warn"#),
        ([.workers: "-1"], [:], #"invalid --workers "-1": expected a whole number of workers from 0 to 1024"#),
        ([.sessionTimeout: "1h"], [:], #"invalid --session-timeout "1h": expected a whole number of seconds from 1 to 31536000"#),
        ([.maxDelay: "-5"], [:], #"invalid --max-delay "-5": expected a whole number of seconds from 0 to 86400"#),
        ([.host: "my host"], [:], #"invalid --host "my host": expected an IP address or host name (e.g. 127.0.0.1, 0.0.0.0, ::1)"#),
        ([.host: ""], [:], #"invalid --host "": expected an IP address or host name (e.g. 127.0.0.1, 0.0.0.0, ::1)"#),
        (
            [.databaseURL: "mysql://x"], [:],
            #"invalid --database-url: unsupported database URL scheme "mysql": use postgres://, postgresql://, sqlite:PATH or sqlite::memory:"#
        ),
        (
            [:], ["META_GRAPH_URL": "graph.facebook.com"],
            #"invalid META_GRAPH_URL (environment) "graph.facebook.com": expected an http:// or https:// URL such as https://graph.facebook.com"#
        ),
        ([:], ["META_GRAPH_API_VERSION": "23.0"], #"invalid META_GRAPH_API_VERSION (environment) "23.0": expected a Graph API version like v23.0"#),
        (
            [:], ["FRONTEND_URL": "localhost:3000"],
            #"invalid FRONTEND_URL (environment) "localhost:3000": expected comma-separated origins like https://dashboard.example.com (or *)"#
        ),
        (
            [.tlsCert: ""], ["TLS_KEY": "k"],
            """
            2 problems in the configuration:
              - invalid --tls-cert "": must not be empty
              - TLS_KEY is set but TLS_CERT is not: give both PEM files for HTTPS, or neither for plain HTTP
            """
        ),
    ])
    func invalidValuesAreNamedWithTheirSource(flags: [ServeSetting: String], environment: [String: String], message: String) {
        #expect(failure(flags: flags, environment: environment) == message)
    }

    @Test func dotEnvProblemsNameFileAndLine() {
        #expect(
            failure(dotEnv: "HOST=127.0.0.1\nPORT=eighty\n") == #"invalid PORT (.env:2) "eighty": expected a port number from 0 to 65535 (0 picks a free port)"#
        )
    }

    @Test func everyProblemIsReportedAtOnce() {
        #expect(
            failure(flags: [.port: "x", .workers: "y"], environment: ["FCB_ENV": "production"]) == """
                3 problems in the configuration:
                  - invalid --port "x": expected a port number from 0 to 65535 (0 picks a free port)
                  - invalid --workers "y": expected a whole number of workers from 0 to 1024
                  - JWT_SECRET is not set and the environment is production: refusing to accept unauthenticated Socket.IO connections (set JWT_SECRET to the dashboard's secret)
                """)
    }

    @Test func loadReadsTheEnvFileAndRequiresItOnlyWhenNamed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fcb-env-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent(".env").path
        try Data("PORT=4321\nexport META_APP_SECRET=\"s\"\n".utf8).write(to: URL(fileURLWithPath: path))

        let configuration = try ServeConfiguration.load(environment: [:], envFilePath: path)
        #expect(configuration.port == 4321)
        #expect(configuration.shown[.metaAppSecret]?.source == .dotEnv(path: path, variable: "META_APP_SECRET", line: 2))
        #expect(configuration.effectiveConfigLine().contains("META_APP_SECRET=*** (\(path))"))

        let missing = directory.appendingPathComponent("absent.env").path
        #expect(try ServeConfiguration.load(environment: [:], envFilePath: missing).port == 3000)
        #expect(throws: ServeConfigurationError("\(missing): no such file (given with --env-file)")) {
            try ServeConfiguration.load(environment: [:], envFilePath: missing, envFileRequired: true)
        }
        try Data("PORT=1\nBROKEN LINE\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ServeConfigurationError(#"\#(path):2: expected KEY=value, found "BROKEN LINE""#)) {
            try ServeConfiguration.load(environment: [:], envFilePath: path)
        }
    }

    @Test func theExampleEnvFileLoads() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../examples/.env.example").standardized.path
        let configuration = try ServeConfiguration.load(environment: [:], envFilePath: path, envFileRequired: true)
        #expect(configuration.shown[.databaseURL]?.value == "postgres://fcb:***@localhost:5432/chatbots?schema=public")
        #expect(configuration.metaAppSecret == "your-meta-app-secret")
        #expect(configuration.jwtSecret == "the-dashboards-jwt-secret")
        #expect(configuration.port == 3000)
        #expect(configuration.warnings.isEmpty)
    }
}
