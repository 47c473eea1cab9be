import Foundation

extension SQLStore: LeaseStore {
    public func releaseLeases(worker: String) async throws(StoreError) -> Int {
        try await database.query(
            """
            UPDATE \(table: .inbox) SET state = 'pending', locked_by = NULL, locked_until = NULL
            WHERE state = 'processing' AND locked_by = \(worker)
            RETURNING id
            """
        ).count
    }

    public func renewLeases(ids: [Int64], worker: String, until: Date) async throws(StoreError) -> Int {
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
