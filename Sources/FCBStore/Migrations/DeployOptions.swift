/// How `fcb migrate-deploy` may deviate from the plain Prisma rules.
package struct DeployOptions: Sendable, Equatable {
    /// Baseline an unmanaged, non-empty database: record this local migration and all before it
    /// as applied without running them (what `prisma migrate resolve --applied` does for each),
    /// then apply the rest. Ignored, with a warning, when the database is already managed or empty.
    package var baselineThrough: String?
    /// Apply pending migrations even though the database holds migrations unknown locally.
    /// Prisma does; fcb refuses by default because the unknown ones may conflict with ours.
    package var allowDivergedHistory: Bool

    package init(baselineThrough: String? = nil, allowDivergedHistory: Bool = false) {
        self.baselineThrough = baselineThrough
        self.allowDivergedHistory = allowDivergedHistory
    }
}
