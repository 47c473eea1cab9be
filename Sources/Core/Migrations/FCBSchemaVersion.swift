/// fcb's own schema (`fcb` in PostgreSQL) version, filled in by the storage layer.
public struct FCBSchemaVersion: Sendable, Equatable {
    /// nil when fcb's schema does not exist yet.
    public let current: Int?
    public let latest: Int

    public init(current: Int?, latest: Int) {
        self.current = current
        self.latest = latest
    }

    public var isCurrent: Bool { current == latest }
}
