import ArgumentParser
import FCBServe
import Foundation
import Logging
import Metrics
import Prometheus

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the multi-tenant WhatsApp webhook backend.",
        discussion: """
            Verifies and durably accepts Meta webhook deliveries on /webhook and /api/webhook, \
            runs the tenants' active flows, sends replies through the Graph API, stores everything \
            in the dashboard's database and pushes Socket.IO events to the dashboard. GET /health \
            answers while the process runs, GET /ready when the database is reachable and its \
            schema current, GET /metrics serves Prometheus metrics.

            Every setting has an environment variable (PORT, HOST, DATABASE_URL, TLS_CERT, TLS_KEY, \
            META_APP_SECRET, META_VERIFY_TOKEN, JWT_SECRET, FCB_ENV, FCB_WORKERS and the rest). Precedence: \
            flags, then the real environment, then the .env file, then defaults. At start fcb logs \
            one line with every setting and its source, secrets redacted. With FCB_ENV (or \
            NODE_ENV) = production a missing JWT_SECRET stops it from starting.

            With no DATABASE_URL it runs on an embedded SQLite file (./fcb.sqlite) and creates \
            the schema on first start. SIGTERM or SIGINT stop it gracefully: no new connections, \
            in-flight requests and work finish (bounded). See docs/configuration.md.
            """
    )

    @Option(help: ArgumentHelp("Bind address (env HOST, default 127.0.0.1). Use 0.0.0.0 to expose on all interfaces.", valueName: "address"))
    var host: String?

    @Option(help: ArgumentHelp("HTTP port for webhooks, health and metrics (env PORT, default 3000; 0 picks a free port).", valueName: "port"))
    var port: String?

    @Option(
        help: ArgumentHelp(
            "A separate port for Socket.IO (env WEBSOCKET_PORT; default: Socket.IO is served on --port).",
            discussion: "The dashboard's NEXT_PUBLIC_WEBHOOK_WS_URL points here. 0 picks a free port; a value equal to --port means one listener.",
            valueName: "port"))
    var websocketPort: String?

    @Option(
        help: ArgumentHelp(
            "Database: postgres://USER:PASS@HOST/DB or sqlite:PATH (env DATABASE_URL, default sqlite:./fcb.sqlite).",
            discussion: "Prisma's URL form is accepted, including ?schema= and sslmode=.", valueName: "url"))
    var databaseURL: String?

    @Option(help: ArgumentHelp("PEM certificate (chain) for HTTPS (env TLS_CERT); needs --tls-key.", valueName: "file"), completion: .file())
    var tlsCert: String?

    @Option(help: ArgumentHelp("PEM private key for HTTPS, unencrypted (env TLS_KEY); needs --tls-cert.", valueName: "file"), completion: .file())
    var tlsKey: String?

    @Option(
        help: ArgumentHelp(
            "Log format: auto, text or json (env FCB_LOG_FORMAT, default auto).",
            discussion: "auto writes human-readable lines when standard error is a terminal and JSON lines otherwise.", valueName: "format"),
        completion: .list(["auto", "text", "json"]))
    var logFormat: String?

    @Option(
        help: ArgumentHelp(
            "Log level: trace, debug, info, notice, warning, error or critical (env FCB_LOG_LEVEL, default info).", valueName: "level"),
        completion: .list(["trace", "debug", "info", "notice", "warning", "error", "critical"]))
    var logLevel: String?

    @Option(
        help: ArgumentHelp(
            "Pipeline workers processing accepted deliveries, each one database commit in flight (env FCB_WORKERS, default 32; 0 = accept only, other instances process).",
            valueName: "n"))
    var workers: String?

    @Option(
        help: ArgumentHelp(
            "Messages per second sent per WhatsApp business number: your number's throughput tier at Meta (env FCB_SEND_RATE, default 80; up to 1000 for upgraded numbers).",
            valueName: "n"))
    var sendRate: String?

    @Option(
        help: ArgumentHelp(
            "Seconds a reply the Graph API did not accept (5xx, rate limits, no connection) keeps being retried, the contact's later messages waiting, before it is recorded Failed (env FCB_REPLY_DEADLINE, default 3600; 0 = record it at once).",
            valueName: "seconds"))
    var replyDeadline: String?

    @Option(
        help: ArgumentHelp(
            "Open connections accepted, both listeners together; one more gets 503 (env FCB_MAX_CONNECTIONS, default 10000, lowered to fit the open-file limit).",
            valueName: "n"))
    var maxConnections: String?

    @Option(
        help: ArgumentHelp(
            "MiB of request bodies held in memory at once; a body beyond gets 503 at once (env FCB_BODY_BUDGET_MIB, default 64).",
            valueName: "MiB"))
    var bodyBudgetMib: String?

    @Option(
        help: ArgumentHelp(
            "Days finished inbox items are kept for diagnosis before they are deleted (env FCB_INBOX_RETENTION_DAYS, default 7; 0 keeps them forever; parked items are always kept).",
            valueName: "days"))
    var inboxRetentionDays: String?

    @Option(
        help: ArgumentHelp(
            "Seconds of inactivity after which a conversation starts over (env FCB_SESSION_TIMEOUT, default 86400).", valueName: "seconds"))
    var sessionTimeout: String?

    @Option(help: ArgumentHelp("Longest delay a flow's delay node may wait, in seconds (env FCB_MAX_DELAY, default 60).", valueName: "seconds"))
    var maxDelay: String?

    @Option(
        help: ArgumentHelp(
            "The .env file to read (default: .env in the working directory, skipped when absent).",
            discussion: "A file named here must exist. Real environment variables win over it.", valueName: "file"), completion: .file())
    var envFile: String?

    @Option(
        help: ArgumentHelp(
            "Create or update a tenant and its flows from a seed file before serving.",
            discussion: "The format is in docs/serve.md (examples/demo.json is one). The tenant is created once; its flows are updated on every start.",
            valueName: "file"), completion: .file())
    var seed: String?

    @Flag(
        help: ArgumentHelp(
            "Demo mode: seed examples/demo.json and send replies to a local fake Graph API that logs them (never to Meta).",
            discussion: "Replay examples/webhooks/text-hola.json against it to see the bot answer (README, Quick start)."))
    var demo = false

    @Flag(
        help: ArgumentHelp(
            "Let flows' api nodes call loopback, private and link-local addresses (env FCB_ALLOW_PRIVATE_API_TARGETS=true; off by default: such calls are refused and logged).",
            discussion: "Only for an internal API you trust on this network: a flow author could otherwise reach the metadata service or the database host."))
    var allowPrivateApiTargets = false

    @Option(
        help: ArgumentHelp(
            "Path Socket.IO is served at, socket.io-client's path option (env FCB_SOCKETIO_PATH, default /socket.io/).",
            valueName: "path"))
    var socketioPath: String?

    @Option(
        help: ArgumentHelp(
            "Milliseconds between the server's pings to a Socket.IO client (env FCB_SOCKETIO_PING_INTERVAL, default 25000).",
            valueName: "ms"))
    var socketioPingInterval: String?

    @Option(
        help: ArgumentHelp(
            "Milliseconds a Socket.IO client has to answer a ping before it is disconnected (env FCB_SOCKETIO_PING_TIMEOUT, default 20000).",
            valueName: "ms"))
    var socketioPingTimeout: String?

    @Option(
        help: ArgumentHelp(
            "Milliseconds a Socket.IO connection may stay without connecting to a namespace (env FCB_SOCKETIO_CONNECT_TIMEOUT, default 45000).",
            valueName: "ms"))
    var socketioConnectTimeout: String?

    @Option(
        help: ArgumentHelp(
            "Bytes of one Socket.IO message, a binary one with its attachments (env FCB_SOCKETIO_MAX_PAYLOAD, default 1000000).",
            valueName: "bytes"))
    var socketioMaxPayload: String?

    @Option(
        help: ArgumentHelp(
            "This process's name on the inbox items it works on (default HOST:PORT).",
            discussion: "A restart with the same name takes its interrupted items back at once; give each instance sharing a database its own.",
            valueName: "name"))
    var instanceId: String?

    var flags: [ServeSetting: String] {
        let pairs: [(ServeSetting, String?)] = [
            (.host, host), (.port, port), (.websocketPort, websocketPort), (.databaseURL, databaseURL), (.tlsCert, tlsCert), (.tlsKey, tlsKey),
            (.logFormat, logFormat),
            (.logLevel, logLevel), (.workers, workers), (.sendRate, sendRate), (.replyDeadline, replyDeadline), (.maxConnections, maxConnections),
            (.bodyBudgetMiB, bodyBudgetMib), (.inboxRetentionDays, inboxRetentionDays), (.sessionTimeout, sessionTimeout),
            (.maxDelay, maxDelay), (.allowPrivateAPITargets, allowPrivateApiTargets ? "true" : nil), (.socketIOPath, socketioPath),
            (.socketIOPingInterval, socketioPingInterval), (.socketIOPingTimeout, socketioPingTimeout),
            (.socketIOConnectTimeout, socketioConnectTimeout), (.socketIOMaxPayload, socketioMaxPayload),
        ]
        return Dictionary(uniqueKeysWithValues: pairs.compactMap { setting, value in value.map { (setting, $0) } })
    }

    func run() async throws {
        let configuration: ServeConfiguration
        do {
            configuration = try ServeConfiguration.load(
                flags: flags, environment: ProcessInfo.processInfo.environment, envFilePath: envFile ?? ".env", envFileRequired: envFile != nil)
        } catch {
            throw CommandError.unreadableInput(error.message)
        }
        FCBLogging.bootstrap(format: configuration.logFormat, level: configuration.logLevel)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(FCBMetrics.makeFactory(registry: registry))
        let logger = Logger(label: "fcb.serve")
        logger.info("effective configuration: \(configuration.effectiveConfigLine())")
        for warning in configuration.warnings { logger.warning("\(warning)") }

        let extras = ServeExtras(seedPath: seed ?? (demo ? "examples/demo.json" : nil), demo: demo, instanceId: instanceId)
        let components = try await ServeWiring.makeComponents(configuration: configuration, extras: extras, logger: logger)
        let server: FCBServer
        do {
            server = try FCBServer(
                configuration: configuration, responder: components.responder, readiness: components.readiness, registry: registry,
                services: components.services, foundation: components.foundation, startup: components.startup,
                realtime: components.realtime, logger: logger)
        } catch {
            await components.close()
            throw CommandError.unreadableInput(error.message)
        }
        do {
            try await server.run()
        } catch let failure as ServeConfigurationError {
            await components.close()
            throw CommandError.unreadableInput(failure.message)
        } catch let failure as ServeStartupError {
            await components.close()
            throw CommandError.unreadableInput(failure.description)
        } catch {
            logger.critical("fcb serve stopped on an error", metadata: ["error": .string("\(error)")])
            await components.close()
            throw ExitCode(1)
        }
        await components.close()
    }
}
