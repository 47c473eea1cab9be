import FCBStore
import FCBSupport
import FlowEngine
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The pipeline's workers (docs/serve.md#guarantees): claim due items at the head of their
/// contact's queue (never two of one contact at once, also across instances), process up to
/// `workers` in parallel, and finish each item only after its effects are committed. Woken at once by new deliveries;
/// otherwise it polls, so other instances' deliveries and due delays are picked up too.
package final class InboxWorkerPool: Service {
    package struct Settings: Sendable {
        package var workers: Int
        /// This process's name on the items it leases; a restart with the same name takes its
        /// old leases back at once instead of waiting for them to expire.
        package var instance: String
        package var lease: Duration
        package var pollInterval: Duration
        /// Attempts before a failing item is parked.
        package var maxAttempts: Int
        /// How long shutdown waits for items in flight.
        package var drainTimeout: Duration
        /// Done items (and statuses kept for messages that never appeared) older than this are
        /// deleted (docs/serve.md#retention); nil keeps them forever.
        package var retention: Duration?
        package var pruneInterval: Duration

        package init(
            workers: Int = 8, instance: String, lease: Duration = .seconds(120), pollInterval: Duration = .milliseconds(250),
            maxAttempts: Int = 8, drainTimeout: Duration = .seconds(10), retention: Duration? = .seconds(7 * 86_400),
            pruneInterval: Duration = .seconds(600)
        ) {
            self.retention = retention
            self.pruneInterval = pruneInterval
            // 0: this instance only accepts deliveries; others (sharing the database) process them.
            self.workers = max(0, workers)
            self.instance = instance
            self.lease = lease
            self.pollInterval = pollInterval
            self.maxAttempts = max(1, maxAttempts)
            self.drainTimeout = drainTimeout
        }
    }

    let context: PipelineContext
    let settings: Settings
    private let doorbell = Doorbell()
    /// Items being processed here (their leases are renewed while they run).
    private let inFlight = Mutex(Set<Int64>())
    private let stopping = Mutex(false)

    init(context: PipelineContext, settings: Settings) {
        self.context = context
        self.settings = settings
        worker = settings.instance + "/" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
        committer = GroupCommitter(store: context.store, worker: worker)
    }

    /// Commits the items' units of work together (docs/serve.md#group-commit).
    let committer: GroupCommitter

    /// Transactions the items' units of work took, and units committed (tests).
    package var commits: (transactions: Int, units: Int) { committer.committed }

    /// New work is waiting (called after an enqueue).
    package func wake() { doorbell.ring() }

    package func run() async throws {
        do {
            let released = try await store.releaseLeases(instance: settings.instance, except: worker)
            if released > 0 { context.logger.notice("took back \(released) item(s) this instance was processing when it stopped") }
        } catch {
            context.logger.warning("could not take back this instance's earlier leases (they expire by themselves): \(error)")
        }
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.renewLeases() }
                // Outlives the items: they commit through it until the last one finished.
                group.addTask { await self.committer.run() }
                group.addTask { await self.pruneLoop() }
                await loop()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.stopping.withLock { $0 = true }
            self.doorbell.ring()
        }
    }

    /// Stops claiming; items in flight finish (up to the drain timeout).
    package func stop() {
        stopping.withLock { $0 = true }
        doorbell.ring()
    }

    private var store: any PipelineStore { context.store }

    /// Keeps the leases of running items alive (a long flow run is not mistaken for a crash).
    private func renewLeases() async {
        let interval = settings.lease / 3
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            let ids = Array(inFlight.withLock { $0 })
            guard !ids.isEmpty else { continue }
            do {
                try await store.renewLeases(ids: ids, worker: worker, until: context.clock.now().addingTimeInterval(settings.lease.timeInterval))
            } catch {
                context.logger.warning("could not renew leases: \(error)")
            }
        }
    }
    /// The name on this process's leases: the instance plus a per-start id, so a process from an
    /// earlier start (thought dead, or paused) can never finish or journal an item leased now.
    private let worker: String

    private func loop() async {
        await withDiscardingTaskGroup { group in
            var failures = 0
            var lastStats = ContinuousClock.now - .seconds(60)
            // Graceful shutdown sets `stopping`; cancellation (another service failed) ends it too.
            while !stopping.withLock({ $0 }) && !Task.isCancelled {
                if ContinuousClock.now - lastStats > .seconds(5) {
                    lastStats = ContinuousClock.now
                    if let stats = try? await store.inboxStats() { context.metrics.inbox(stats, wallNow: context.clock.now().timeIntervalSince1970) }
                }
                let free = settings.workers - inFlight.withLock { $0.count }
                guard free > 0 else {
                    await doorbell.wait(upTo: settings.pollInterval)
                    continue
                }
                let items: [InboxItem]
                do {
                    items = try await store.claim(limit: free, worker: worker, now: context.clock.now(), lease: settings.lease)
                    failures = 0
                } catch {
                    failures += 1
                    if failures == 1 || failures % 20 == 0 {
                        context.logger.error("inbox claim failed (attempt \(failures)); retrying", metadata: ["error": "\(error)"])
                    }
                    // At most a second apart, so the inbox drains as soon as the database is back.
                    await doorbell.wait(upTo: .milliseconds(min(1_000, 250 << min(failures, 2))))
                    continue
                }
                if items.isEmpty {
                    await doorbell.wait(upTo: settings.pollInterval)
                    continue
                }
                inFlight.withLock { $0.formUnion(items.map(\.id)) }
                for item in items {
                    group.addTask {
                        await self.work(item)
                        _ = self.inFlight.withLock { $0.remove(item.id) }
                        self.doorbell.ring()
                    }
                }
            }
            await drain()
            group.cancelAll()
        }
    }

    /// Waits (bounded) for items in flight to finish after shutdown began.
    private func drain() async {
        let deadline = ContinuousClock.now + settings.drainTimeout
        while !inFlight.withLock({ $0.isEmpty }) && ContinuousClock.now < deadline && !Task.isCancelled {
            await doorbell.wait(upTo: .milliseconds(50))
        }
        let left = inFlight.withLock { $0.count }
        if left > 0 {
            context.logger.warning("shutdown: \(left) item(s) still running are interrupted; they resume on the next start")
        }
    }

    func work(_ item: InboxItem) async {
        let unit = UnitOfWork(committer: committer, itemId: item.id, events: context.events)
        let journal = ItemJournal(unit: unit, progress: ItemProgress(json: item.progress), deferrals: context.deferrals)
        let meta: Logger.Metadata = ["item": "\(item.id)", "kind": "\(item.kind)", "attempt": "\(item.attempts)"]
        var disposition: ItemDisposition
        do {
            disposition = try await ItemProcessor(context: context).process(item, journal: journal)
        } catch {
            disposition = .retry("\(error)")
        }
        if case .retry(let reason) = disposition, item.attempts >= settings.maxAttempts {
            disposition = .park("gave up after \(item.attempts) attempts: \(reason)")
        }
        // The last step commits with the item's outcome. While the database is away the commit
        // is tried again until it answers (0.25 s … 2 s apart): leaving the item `processing`
        // would hold up the contact's later messages until its lease ran out, and leases are for
        // crashes, not outages (docs/serve.md#guarantees). It stops when the lease is lost or at
        // shutdown (the lease then hands the item to the next start).
        var pause = Duration.milliseconds(250)
        var failures = 0
        while true {
            do {
                try await record(disposition, of: item, unit: unit, journal: journal, meta: meta)
                if failures > 0 { context.logger.notice("recorded the item's outcome after \(failures) failed attempt(s)", metadata: meta) }
                return
            } catch {
                if error.kind != .unavailable, !UnitOfWork.isLeaseLost(error), !disposition.isRetry {
                    // The step's rows could not be stored (a constraint the run broke): nothing of
                    // it was kept, so the item goes back in line like any failed attempt.
                    disposition = .retry("could not store the item's results: \(error)")
                    continue
                }
                failures += 1
                guard !Task.isCancelled, !UnitOfWork.isLeaseLost(error), error.kind == .unavailable || failures < Self.outcomeAttempts else {
                    // The lease runs out and the item is claimed again; its progress makes that safe.
                    context.logger.error("could not record the item's outcome: \(error)", metadata: meta)
                    return
                }
                if failures == 1 || failures % 20 == 0 {
                    context.logger.warning(
                        "could not record the item's outcome (attempt \(failures)); trying again until the database answers: \(error)", metadata: meta)
                }
                do { try await Task.sleep(for: pause) } catch { return }
                pause = min(pause * 2, .seconds(2))
            }
        }
    }

    static let outcomeAttempts = 5

    /// The final unit of work: what the item staged, and how it ends, in one commit. A retry
    /// drops what the failed attempt staged: the next attempt continues from the last commit.
    private func record(
        _ disposition: ItemDisposition, of item: InboxItem, unit: UnitOfWork, journal: ItemJournal, meta: Logger.Metadata
    ) async throws(StoreError) {
        let now = context.clock.now()
        switch disposition {
        case .done:
            unit.stage(finish: .complete(at: now))
            try await unit.commit()
            context.metrics.item(kind: item.kind, outcome: .done)
        case .park(let reason):
            unit.stage(progress: journal.progress.json)
            unit.stage(finish: .park(reason, at: now))
            try await unit.commit()
            context.metrics.item(kind: item.kind, outcome: .parked)
            context.logger.error("inbox item parked: \(reason)", metadata: meta)
        case .retry(let reason):
            unit.discard()
            let delay = Self.backoff(attempt: item.attempts)
            try await store.retry(id: item.id, worker: worker, error: reason, availableAt: now.addingTimeInterval(delay))
            context.metrics.item(kind: item.kind, outcome: .retry)
            context.logger.warning("inbox item failed, retrying in \(Int(delay)) s: \(reason)", metadata: meta)
        case .wait(let until):
            unit.stage(progress: journal.progress.json)
            unit.stage(finish: .deferUntil(until))
            try await unit.commit()
            context.metrics.item(kind: item.kind, outcome: .deferred)
        }
    }

    /// Retention: every `pruneInterval` (the first a few seconds after start), deletes done items
    /// finished longer ago than `retention`, 10,000 per statement, and kept statuses as old.
    private func pruneLoop() async {
        guard let retention = settings.retention else { return }
        var pause = Duration.seconds(5)
        while !Task.isCancelled {
            do { try await Task.sleep(for: pause) } catch { return }
            pause = settings.pruneInterval
            let cutoff = context.clock.now().addingTimeInterval(-retention.timeInterval)
            do {
                var items = 0
                for _ in 0..<100 {
                    let deleted = try await store.pruneFinished(before: cutoff, limit: 10_000)
                    items += deleted
                    if deleted < 10_000 || Task.isCancelled { break }
                }
                let statuses = try await store.pruneKeptStatuses(before: cutoff)
                if items > 0 || statuses > 0 {
                    context.logger.info(
                        "retention: deleted \(items) done inbox item(s) and \(statuses) status(es) kept for messages that never appeared, older than \(ISOTimestamp.string(cutoff))"
                    )
                }
            } catch {
                context.logger.warning("retention: could not delete old inbox items (tried again in \(settings.pruneInterval)): \(error)")
            }
        }
    }

    /// 1 s, 2 s, 4 s, … up to 5 minutes.
    static func backoff(attempt: Int) -> TimeInterval {
        min(300, pow(2, Double(max(0, attempt - 1))))
    }
}
