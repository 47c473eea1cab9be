/// How `fcb migrate-deploy` may deviate from the plain Prisma rules.
public struct DeployOptions: Sendable, Equatable {
    /// Baseline an unmanaged, non-empty database: record this local migration and all before it
    /// as applied without running them (what `prisma migrate resolve --applied` does for each),
    /// then apply the rest. Ignored, with a warning, when the database is already managed or empty.
    public var baselineThrough: String?
    /// Apply pending migrations even though the database holds migrations unknown locally.
    /// Prisma does; fcb refuses by default because the unknown ones may conflict with ours.
    public var allowDivergedHistory: Bool

    public init(baselineThrough: String? = nil, allowDivergedHistory: Bool = false) {
        self.baselineThrough = baselineThrough
        self.allowDivergedHistory = allowDivergedHistory
    }
}
