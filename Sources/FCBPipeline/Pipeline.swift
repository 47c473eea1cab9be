import FCBRealtime
import FCBStore
import FCBSupport
import FlowEngine
import Foundation
import Logging

/// `fcb serve`'s processing side assembled: the webhook responder that stores deliveries, the
/// worker pool that runs them, and the realtime event bus they report to.
package final class Pipeline: Sendable {
    package struct Settings: Sendable {
        package var webhook: WebhookSettings
        package var workers: InboxWorkerPool.Settings
        /// Sessions idle longer than this are completed with `endReason: "timeout"`
        /// (docs/differences.md#idle-sessions-time-out).
        package var sessionTimeout: TimeInterval
        /// The delay node's cap, in milliseconds.
        package var maxDelayMilliseconds: Int
        /// How long tenants and flows read from the database are reused
        /// (docs/serve.md#read-caches); a dashboard edit takes effect after at most this long.
        package var cacheMaxAge: Duration
        package static let defaultCacheMaxAge = Duration.seconds(1)
        /// How long a reply Meta did not accept is tried again before it is recorded `Failed`
        /// (`FCB_REPLY_DEADLINE`, docs/serve.md#graph-outages); zero records it at once.
        package var replyDeadline: Duration

        package init(
            webhook: WebhookSettings = .init(), workers: InboxWorkerPool.Settings, sessionTimeout: TimeInterval = 24 * 3600,
            maxDelayMilliseconds: Int = 60_000, cacheMaxAge: Duration = Settings.defaultCacheMaxAge, replyDeadline: Duration = .seconds(3600)
        ) {
            self.cacheMaxAge = cacheMaxAge
            self.replyDeadline = replyDeadline
            self.webhook = webhook
            self.workers = workers
            self.sessionTimeout = sessionTimeout
            self.maxDelayMilliseconds = maxDelayMilliseconds
        }
    }

    package let endpoint: WebhookEndpoint
    package let workers: InboxWorkerPool
    package let events: EventBus
    package let store: any PipelineStore

    /// `tenants`: the tenant lookups of the ack path (a ``CachedTenantStore`` shared with the
    /// Graph API sender's credentials); by default the store's, cached for `cacheMaxAge`.
    package init(
        store: any PipelineStore, settings: Settings, sender: any FlowSender, api: any APIClient, clock: any FlowClock = SystemClock(),
        ids: any IDGenerator = CUIDGenerator(), events: EventBus = EventBus(), tenants: (any TenantStore)? = nil,
        random: any RandomSource = SystemRandomSource(), logger: Logger
    ) {
        let metrics = PipelineMetrics()
        let options = ExecutorOptions(maxDelayMilliseconds: settings.maxDelayMilliseconds, delays: .suspend)
        let metered = MeteredSender(inner: sender, metrics: metrics)
        let executor = FlowExecutor(
            environment: ExecutionEnvironment(
                clock: clock, ids: ids, sender: metered, api: LoggedAPIClient(inner: api, logger: logger), store: store, options: options))
        let engine = ConversationEngine(store: store, executor: executor, sessionTimeout: settings.sessionTimeout)
        let triggers = TriggerResults()
        let context = PipelineContext(
            store: store, flows: FlowCache(maxAge: settings.cacheMaxAge), engine: engine, events: events, metrics: metrics, triggers: triggers,
            deferrals: SendDeferrals(deadline: settings.replyDeadline, clock: clock, random: random), logger: logger)
        let workers = InboxWorkerPool(context: context, settings: settings.workers)
        self.store = store
        self.events = events
        self.workers = workers
        endpoint = WebhookEndpoint(
            store: store, tenants: tenants ?? CachedTenantStore(store, maxAge: settings.cacheMaxAge), settings: settings.webhook, logger: logger,
            metrics: metrics, onEnqueued: { workers.wake() }, triggers: triggers, acks: AckBatcher(store: store))
    }
}
