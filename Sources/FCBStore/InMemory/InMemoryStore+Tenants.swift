import FlowEngine
import Foundation

extension InMemoryStore: TenantStore {
    package func user(id: String) async -> UserRecord? { tenants.withLock { $0.users[id] } }

    package func users(phoneNumberId: String) async -> [UserRecord] {
        tenants.withLock { $0.users.values.filter { $0.metaPhoneNumberId == phoneNumberId }.sorted(by: Self.oldestFirst) }
    }

    package func users(verifyToken: String) async -> [UserRecord] {
        tenants.withLock { $0.users.values.filter { $0.metaVerifyToken == verifyToken }.sorted(by: Self.oldestFirst) }
    }

    package func insertUser(_ user: UserRecord) async throws(StoreError) {
        try tenants.withLock { t throws(StoreError) in
            if t.users[user.id] != nil { throw StoreError(.conflict, "Unique constraint failed on User_pkey") }
            if t.users.values.contains(where: { $0.email == user.email }) {
                throw StoreError(.conflict, "Unique constraint failed on User_email_key")
            }
            t.users[user.id] = user
        }
    }

    private static func oldestFirst(_ a: UserRecord, _ b: UserRecord) -> Bool { (a.createdAt, a.id) < (b.createdAt, b.id) }
}

extension InMemoryStore: InboxStore {
    package func enqueue(deliveries: [InboxDelivery]) async -> [[Int64?]] {
        var answers: [[Int64?]] = []
        for delivery in deliveries { answers.append(await enqueue(delivery.items, receivedAt: delivery.receivedAt, requestId: delivery.requestId)) }
        return answers
    }

    package func enqueue(_ items: [NewInboxItem], receivedAt: Date, requestId: String?) async -> [Int64?] {
        let receivedAt = receivedAt.truncatedToMilliseconds
        return inbox.withLock { box in
            items.map { item -> Int64? in
                if let key = item.dedupeKey, !box.dedupeKeys.insert(key).inserted { return nil }
                box.nextId += 1
                box.items.append(
                    InboxItem(
                        id: box.nextId, receivedAt: receivedAt, requestId: requestId, kind: item.kind, dedupeKey: item.dedupeKey,
                        contactKey: item.contactKey, userId: item.userId, payload: item.payload, state: .pending,
                        attempts: 0, availableAt: receivedAt, lastError: nil))
                box.leases.append(nil)
                return box.nextId
            }
        }
    }

    package func claim(limit: Int, worker: String, now: Date, lease: Duration) async -> [InboxItem] {
        let until = now.addingTimeInterval(lease.timeInterval).truncatedToMilliseconds
        return inbox.withLock { box in
            var blocked = Set<String>()
            var claimed: [InboxItem] = []
            for index in box.items.indices where claimed.count < limit {
                let item = box.items[index]
                let unfinished = item.state == .pending || item.state == .processing
                guard unfinished else { continue }
                defer { blocked.insert(item.contactKey) }
                guard !blocked.contains(item.contactKey) else { continue }
                let due =
                    item.state == .pending
                    ? item.availableAt <= now
                    : (box.leases[index]?.until ?? .distantFuture) < now
                guard due else { continue }
                box.items[index].state = .processing
                box.items[index].attempts += 1
                box.leases[index] = (worker, until)
                claimed.append(box.items[index])
            }
            return claimed
        }
    }

    package func complete(id: Int64, worker: String, at: Date) async -> Bool {
        let done = finish(id: id, worker: worker) { $0.state = .done }
        if done { inbox.withLock { $0.finishedAt[id] = at } }
        return done
    }

    package func retry(id: Int64, worker: String, error: String, availableAt: Date) async -> Bool {
        finish(id: id, worker: worker) {
            $0.state = .pending
            $0.availableAt = availableAt.truncatedToMilliseconds
            $0.lastError = error
        }
    }

    package func park(id: Int64, worker: String, error: String, at: Date) async -> Bool {
        finish(id: id, worker: worker) {
            $0.state = .parked
            $0.lastError = error
        }
    }

    private func finish(id: Int64, worker: String, _ change: (inout InboxItem) -> Void) -> Bool {
        inbox.withLock { box in
            guard let index = box.items.firstIndex(where: { $0.id == id }),
                box.items[index].state == .processing, box.leases[index]?.worker == worker
            else { return false }
            change(&box.items[index])
            box.leases[index] = nil
            return true
        }
    }

    package func inboxItem(id: Int64) async -> InboxItem? { inbox.withLock { box in box.items.first { $0.id == id } } }

    package func inboxCounts() async -> [InboxState: Int] {
        inbox.withLock { box in
            var counts: [InboxState: Int] = [:]
            for item in box.items { counts[item.state, default: 0] += 1 }
            return counts
        }
    }
}
