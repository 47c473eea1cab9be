import FCBPipeline
import FCBRealtime
import FCBServe
import FCBSimulator
import FCBStore
import FCBTesting
import FlowEngine
import FlowEngineHTTP
import Foundation
import Logging
import ServiceLifecycle
import WhatsAppCloud

/// What `fcb serve` runs behind its HTTP layer.
struct ServeComponents {
    /// The webhook logic behind /webhook and /api/webhook.
    var responder: any WebhookResponder
    /// Behind GET /ready.
    var readiness: any ReadinessCheck
    /// Run next to the HTTP server and shut down after it (the pipeline's workers).
    var services: [any Service] = []
    /// Started first, stopped last (the database's pool).
    var foundation: [any Service] = []
    /// Needs `foundation` running; done before the listeners open (schema, seed).
    var startup: @Sendable () async throws -> Void = {}
    /// Socket.IO, fed by the pipeline's events.
    var realtime: RealtimeServer?
    /// Called once the server and services have ended (close clients and the store).
    var close: @Sendable () async -> Void = {}
}

/// Options of `serve` that are about what to run, not how to listen.
struct ServeExtras {
    /// A tenant seed file applied at start (`--seed`, `--demo`).
    var seedPath: String?
    /// Demo mode: sends go to an in-process fake Graph API that logs them.
    var demo: Bool
    /// Name on the inbox leases (`--instance-id`).
    var instanceId: String?
}

/// The wiring between the HTTP layer and the processing pipeline: store, seed, sender,
/// pipeline, readiness.
enum ServeWiring {
    static func makeComponents(configuration: ServeConfiguration, extras: ServeExtras, logger: Logger) async throws -> ServeComponents {
        let database = configuration.databaseURL.redactedDescription
        let store: SQLStore
        do {
            store = try await SQLStore.prepare(configuration.databaseURL)
            try await store.probe()  // a wrong DATABASE_URL fails now, before anything starts
        } catch {
            throw CommandError.unreadableInput("cannot open \(database): \(error.message)")
        }
        let seed: TenantSeed?
        do throws(TenantSeed.Problem) {
            seed = try extras.seedPath.map { path throws(TenantSeed.Problem) in try TenantSeed.load(path: path) }
        } catch let problem {
            await store.close()
            throw CommandError.unreadableInput(problem.description)
        }
        let seedPath = extras.seedPath ?? ""
        let startup: @Sendable () async throws -> Void = {
            do throws(StoreError) {
                try await store.start(installSchema: true)
            } catch {
                throw ServeStartupError("cannot open \(database): \(error.message)")
            }
            guard let seed else { return }
            do throws(StoreError) {
                let written = try await seed.apply(to: store)
                logger.notice(
                    "seeded tenant \(seed.user.id) (phone_number_id \(seed.user.metaPhoneNumberId ?? "none")) with \(written) flow(s) from \(seedPath)")
            } catch {
                throw ServeStartupError("seeding failed: \(error.message)")
            }
        }

        var graphURL = configuration.metaGraphURL
        var fake: FakeGraphAPI?
        if extras.demo {
            let demoLogger = logger
            let started = try await FakeGraphAPI.start(observer: { request in
                guard request.graph?.edge == "messages" else { return }
                demoLogger.notice("demo: WhatsApp would now deliver \(request.bodyText)")
            })
            fake = started
            graphURL = started.url
            logger.notice("demo mode: replies go to a local fake Graph API at \(started.url) and are logged, never to Meta")
        }
        // One tenant cache for the ack path and the sender's credentials (docs/serve.md#read-caches).
        let tenants = CachedTenantStore(store, maxAge: Pipeline.Settings.defaultCacheMaxAge)
        let sender = GraphAPISender(
            configuration: GraphAPIConfiguration(
                baseURL: graphURL, version: configuration.metaGraphAPIVersion,
                rateLimit: SendRateLimit(messagesPerSecond: Double(configuration.sendRate), burst: configuration.sendRate)),
            credentials: StoreCredentialsSource(store: tenants), logger: Logger(label: "fcb.graph"))
        let api = LiveAPIClient(allowPrivateTargets: configuration.allowPrivateAPITargets)
        let instance = extras.instanceId ?? "\(ProcessInfo.processInfo.hostName):\(configuration.port == 0 ? "pid\(getpid())" : String(configuration.port))"
        let pipeline = Pipeline(
            store: store,
            settings: Pipeline.Settings(
                webhook: WebhookSettings(verifyToken: configuration.metaVerifyToken, appSecret: configuration.metaAppSecret),
                workers: InboxWorkerPool.Settings(
                    workers: configuration.workers, instance: instance,
                    retention: configuration.inboxRetentionDays > 0 ? .seconds(configuration.inboxRetentionDays * 86_400) : nil),
                sessionTimeout: configuration.sessionTimeout, maxDelayMilliseconds: configuration.maxDelayMilliseconds,
                replyDeadline: .seconds(configuration.replyDeadlineSeconds)),
            sender: sender, api: api, tenants: tenants, logger: Logger(label: "fcb.pipeline"))
        logger.info("pipeline: \(configuration.workers) workers, instance \(instance)")
        // Several instances share a PostgreSQL database: events cross between them by NOTIFY.
        var fanout: PostgresFanout?
        if case .postgres(let settings) = configuration.databaseURL {
            do {
                fanout = try PostgresFanout(
                    settings: settings, lookupMessage: { id in try await store.message(id: id) }, logger: Logger(label: "fcb.fanout"))
            } catch {
                await store.close()
                throw CommandError.unreadableInput("cannot set up the realtime fan-out on \(database): \(error.message)")
            }
        }
        let realtime = RealtimeServer(
            engineSettings: configuration.engineIOSettings,
            socketSettings: configuration.socketIOSettings(tokenVerifier: configuration.jwtSecret.map { DashboardTokenVerifier(secret: $0) }),
            access: StoreConversationAccess(store: store), events: pipeline.events, fanout: fanout, logger: Logger(label: "fcb.socketio"))
        let demoFake = fake
        return ServeComponents(
            responder: pipeline.endpoint, readiness: StoreReadiness(store: store), services: [pipeline.workers],
            foundation: store.services, startup: startup, realtime: realtime,
            close: {
                await sender.shutdown()
                try? await api.shutdown()
                await demoFake?.stop()
                await store.close()
            })
    }
}
