/// fcb's own schema (`fcb` in PostgreSQL) version, filled in by the storage layer.
package struct FCBSchemaVersion: Sendable, Equatable {
    /// nil when fcb's schema does not exist yet.
    package let current: Int?
    package let latest: Int

    package init(current: Int?, latest: Int) {
        self.current = current
        self.latest = latest
    }

    package var isCurrent: Bool { current == latest }
}
