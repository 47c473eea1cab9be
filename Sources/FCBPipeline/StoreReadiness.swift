import FCBStore
import Foundation

/// `/ready`: the database answers, fcb's schema is at the version this build needs, and the
/// dashboard's tables exist (on PostgreSQL they come from `fcb migrate-deploy` or Prisma).
package struct StoreReadiness: ReadinessCheck {
    let store: SQLStore

    package init(store: SQLStore) {
        self.store = store
    }

    package func notReadyReason() async -> String? {
        do {
            let version = try await FCBSchema.currentVersion(on: store.database)
            guard version == FCBSchema.latest else {
                return "fcb's schema is at version \(version.map(String.init) ?? "none"), this build needs \(FCBSchema.latest)"
            }
            // One cheap read of a shared table proves the dashboard's schema is there.
            _ = try await store.activeFlows(userId: "")
            return nil
        } catch {
            return "database: \(error)"
        }
    }
}
