import Synchronization

/// Values read from the database, reused for at most `maxAge` (docs/serve.md#read-caches): the
/// dashboard edits tenants and flows in the same database, so an answer older than that is
/// read again. Only what was read is kept; entries past their age are dropped when the cache
/// grows past `capacity`.
final class FreshnessCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry {
        var value: Value
        var readAt: ContinuousClock.Instant
    }

    let maxAge: Duration
    let capacity: Int
    private let entries = Mutex<[Key: Entry]>([:])

    init(maxAge: Duration, capacity: Int = 10_000) {
        self.maxAge = maxAge
        self.capacity = capacity
    }

    /// The cached value when fresh; otherwise `read()`'s, remembered.
    func value<E: Error>(for key: Key, read: () async throws(E) -> Value) async throws(E) -> Value {
        let now = ContinuousClock.now
        if maxAge > .zero, let entry = entries.withLock({ $0[key] }), now - entry.readAt < maxAge { return entry.value }
        // The age counts from before the read: a change committed during the read is seen by the next one.
        let value = try await read()
        guard maxAge > .zero else { return value }
        entries.withLock { entries in
            if entries.count >= capacity { entries = entries.filter { now - $0.value.readAt < maxAge } }
            if entries.count < capacity { entries[key] = Entry(value: value, readAt: now) }
        }
        return value
    }

    /// Forgets every entry (a write made here that readers must see at once).
    func removeAll() { entries.withLock { $0.removeAll() } }
}
