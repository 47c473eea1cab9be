import FlowEngine
import Foundation

extension InMemoryStore: PipelineStore {
    // MARK: Contacts

    package func upsertContact(userId: String, phone: String, name: String?, newId: String, at: Date) async throws(StoreError) -> ContactUpsert {
        let at = at.truncatedToMilliseconds
        return try state.withLock { s throws(StoreError) -> ContactUpsert in
            guard var contact = s.contact(phone: phone) else {
                if s.contacts[newId] != nil { throw StoreError(.conflict, "Unique constraint failed on Contact_pkey") }
                let created = ContactRecord(id: newId, phone: phone, name: name, createdAt: at, updatedAt: at, userId: userId)
                s.contacts[newId] = created
                return .created(created)
            }
            guard contact.userId == userId else { return .ownedByAnotherTenant(ownerUserId: contact.userId) }
            guard let name, !name.isEmpty, name != contact.name else { return .existing(contact) }
            contact.name = name
            contact.updatedAt = at
            s.contacts[contact.id] = contact
            return .existing(contact)
        }
    }

    // MARK: Messages

    package func message(id: String) async -> MessageRecord? { state.withLock { $0.messagesById[id] } }

    package func message(waMessageId: String) async -> MessageRecord? {
        state.withLock { s in s.messagesById.values.first { $0.waMessageId == waMessageId } }
    }

    package func insertMessageIfAbsent(_ message: MessageRecord) async -> Bool {
        state.withLock { s in
            guard s.messagesById[message.id] == nil else { return false }
            if let wa = message.waMessageId, !s.waMessageIds.insert(wa).inserted { return false }
            s.messagesById[message.id] = message
            s.messageOrder.append(message.id)
            return true
        }
    }

    package func insertLogIfAbsent(_ log: LogRecord) async -> Bool {
        state.withLock { s in
            guard !s.logs.contains(where: { $0.id == log.id }) else { return false }
            s.logs.append(log)
            return true
        }
    }

    /// Memory has no crash to survive: the body runs directly. Units put their lease check
    /// first, so a lost lease stops a unit before it writes anything.
    package func unitOfWork<T: Sendable>(
        _ body: @escaping @Sendable (any PipelineStore) async throws(StoreError) -> T
    ) async throws(StoreError) -> T {
        try await body(self)
    }

    // MARK: Inbox journal, delays, parked items

    package func saveProgress(id: Int64, worker: String, progress: JSONValue?) async -> Bool {
        inbox.withLock { box in
            guard let index = box.leasedIndex(id: id, worker: worker) else { return false }
            box.items[index].progress = progress
            return true
        }
    }

    package func deferItem(id: Int64, worker: String, progress: JSONValue?, availableAt: Date) async -> Bool {
        inbox.withLock { box in
            guard let index = box.leasedIndex(id: id, worker: worker) else { return false }
            box.items[index].state = .pending
            box.items[index].availableAt = availableAt.truncatedToMilliseconds
            box.items[index].progress = progress
            box.items[index].attempts = 0
            box.leases[index] = nil
            return true
        }
    }

    package func parkedItems(limit: Int) async -> [InboxItem] {
        inbox.withLock { box in Array(box.items.lazy.filter { $0.state == .parked }.prefix(max(limit, 0))) }
    }

    package func requeue(id: Int64, at: Date) async -> Bool {
        inbox.withLock { box in
            guard let index = box.items.firstIndex(where: { $0.id == id }), box.items[index].state == .parked
            else { return false }
            box.items[index].state = .pending
            box.items[index].attempts = 0
            box.items[index].availableAt = at.truncatedToMilliseconds
            return true
        }
    }

    package func pruneFinished(before: Date, limit: Int) async -> Int {
        inbox.withLock { box in
            var removed = 0
            var index = 0
            while index < box.items.count && removed < max(1, limit) {
                let item = box.items[index]
                if item.state == .done, let finished = box.finishedAt[item.id], finished < before {
                    box.items.remove(at: index)
                    box.leases.remove(at: index)
                    box.finishedAt[item.id] = nil
                    removed += 1
                } else {
                    index += 1
                }
            }
            return removed
        }
    }

    package func pruneKeptStatuses(before: Date) async -> Int {
        state.withLock { s in
            let count = s.keptStatuses.count
            s.keptStatuses.removeAll { kept in
                guard let at = s.keptReceivedAt[kept.id], at < before else { return false }
                s.keptReceivedAt[kept.id] = nil
                return true
            }
            return count - s.keptStatuses.count
        }
    }

    package func inboxStats() async -> InboxStats {
        inbox.withLock { box in
            var counts: [InboxState: Int] = [:]
            var oldest: Date?
            for item in box.items {
                let state = item.state
                counts[state, default: 0] += 1
                if state == .pending || state == .processing { oldest = min(oldest ?? item.receivedAt, item.receivedAt) }
            }
            let oldestDone = box.items.filter { $0.state == .done }.compactMap { box.finishedAt[$0.id] }.min()
            return InboxStats(counts: counts, oldestUnfinishedAt: oldest, oldestDoneAt: oldestDone)
        }
    }
}

extension InMemoryStore.Inbox {
    /// The index of an item `worker` holds the lease of.
    func leasedIndex(id: Int64, worker: String) -> Int? {
        guard let index = items.firstIndex(where: { $0.id == id }), items[index].state == .processing,
            leases[index]?.worker == worker
        else { return nil }
        return index
    }
}
extension InMemoryStore: UnitBatchStore {}
