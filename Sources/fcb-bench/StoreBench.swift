import FCBStore
import FCBTesting
import Foundation

/// The webhook ack path's durable write: one inbox item per transaction, committed, on each
/// backend — sequentially and with 16 writers — then a claim/complete drain.
func benchmarkStore(items: Int) async -> [String] {
    var lines = ["inbox: \(items) single-item enqueues (durable commit each), then claim+complete in batches of 16"]
    var targets: [(String, DatabaseURL)] = [
        ("sqlite file", .sqlite(path: FileManager.default.temporaryDirectory.appendingPathComponent("fcb-bench-\(UUID().uuidString.prefix(8)).sqlite").path))
    ]
    if let url = ProcessInfo.processInfo.environment["FCB_BENCH_POSTGRES_URL"], let parsed = try? DatabaseURL(parsing: url) {
        targets.append(("postgres", parsed))
    } else {
        lines.append("  (postgres: set FCB_BENCH_POSTGRES_URL to an empty database to measure it)")
    }
    do {
        lines.append(contentsOf: try await measureInbox("in-memory (no I/O)", InMemoryStore(), items: items))
    } catch {
        lines.append("  in-memory: \(error)")
    }
    for (name, url) in targets {
        do {
            let store = try await SQLStore.openDetached(url)
            lines.append(contentsOf: try await measureInbox(name, store, items: items))
            await store.close()
            if case .sqlite(let path) = url { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        } catch {
            lines.append("  \(name): \(error)")
        }
    }
    return lines
}

private func measureInbox(_ label: String, _ inbox: any InboxStore, items: Int) async throws -> [String] {
    let run = UUID().uuidString.prefix(6)
    func item(_ n: Int) -> NewInboxItem {
        NewInboxItem(
            kind: .message, dedupeKey: "bench-\(run)-\(n)", contactKey: "contact-\(n % 50)", userId: "u",
            payload: ["text": .string("hola \(n)"), "n": .number(Double(n))])
    }
    let clock = ContinuousClock()
    let sequential = try await clock.measure {
        for n in 0..<items { _ = try await inbox.enqueue([item(n)], receivedAt: Date(), requestId: nil) }
    }
    let concurrent = try await clock.measure {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<16 {
                group.addTask {
                    for n in stride(from: items + writer, to: items * 2, by: 16) { _ = try await inbox.enqueue([item(n)], receivedAt: Date(), requestId: nil) }
                }
            }
            try await group.waitForAll()
        }
    }
    var drained = 0
    let drain = try await clock.measure {
        for _ in 0..<(items * 4) {
            let batch = try await inbox.claim(limit: 16, worker: "bench", now: Date().addingTimeInterval(1), lease: .seconds(60))
            if batch.isEmpty { break }
            for claimed in batch { try await inbox.complete(id: claimed.id, worker: "bench", at: Date()) }
            drained += batch.count
        }
    }
    func rate(_ count: Int, _ d: Duration) -> String {
        let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        return String(format: "%8.0f/s", Double(count) / max(seconds, 1e-9))
    }
    return [
        "  \(label.padding(toLength: 22, withPad: " ", startingAt: 0)) enqueue 1 writer \(rate(items, sequential))   16 writers \(rate(items, concurrent))   claim+complete \(rate(drained, drain))"
    ]
}
