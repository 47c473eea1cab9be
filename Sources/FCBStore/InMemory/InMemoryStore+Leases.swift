import Foundation

extension InMemoryStore: LeaseStore {
    package func releaseLeases(instance: String, except current: String) async -> Int {
        inbox.withLock { box in
            var released = 0
            for index in box.items.indices where box.items[index].state == .processing {
                guard let holder = box.leases[index]?.worker, holder != current, holder.hasPrefix(instance + "/") else { continue }
                box.items[index].state = .pending
                box.leases[index] = nil
                released += 1
            }
            return released
        }
    }

    package func renewLeases(ids: [Int64], worker: String, until: Date) async -> Int {
        inbox.withLock { box in
            var renewed = 0
            for id in ids {
                guard let index = box.leasedIndex(id: id, worker: worker) else { continue }
                box.leases[index] = (worker, until.truncatedToMilliseconds)
                renewed += 1
            }
            return renewed
        }
    }
}
