import FlowEngine
import Foundation

extension SQLStore: LeaseStore {
    package func releaseLeases(instance: String, except current: String) async throws(StoreError) -> Int {
        let prefix = instance + "/"
        // substr/length instead of LIKE: the name may contain % or _.
        return try await database.query(
            """
            UPDATE \(table: .inbox) SET state = 'pending', locked_by = NULL, locked_until = NULL
            WHERE state = 'processing' AND locked_by <> \(current) AND substr(locked_by, 1, length(\(prefix))) = \(prefix)
            RETURNING id
            """
        ).count
    }

    package func renewLeases(ids: [Int64], worker: String, until: Date) async throws(StoreError) -> Int {
        var renewed = 0
        // A handful of items (at most one per worker slot): one short statement each.
        for id in ids {
            renewed += try await database.query(
                """
                UPDATE \(table: .inbox) SET locked_until = \(until)
                WHERE id = \(id) AND state = 'processing' AND locked_by = \(worker)
                RETURNING id
                """
            ).count
        }
        return renewed
    }
}
