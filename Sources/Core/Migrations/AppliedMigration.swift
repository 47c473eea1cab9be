import Foundation

/// One row of `_prisma_migrations`, with the meaning prisma-engines gives each column
/// (`MigrationRecord` in schema-connector `migration_persistence.rs`).
public struct AppliedMigration: Sendable, Hashable {
    /// Random UUID v4, lower-case, chosen by the writer.
    public var id: String
    /// `MigrationChecksum.hex` of the script when it was applied (or a legacy unpadded form).
    public var checksum: String
    /// When the migration completed successfully; nil while running and after a failure.
    public var finishedAt: Date?
    /// The migration folder's name.
    public var migrationName: String
    /// On failure, the error as Prisma formats it; `""` for rows written by
    /// `prisma migrate resolve --applied` (a baseline); nil after a normal successful apply.
    public var logs: String?
    /// Set by `prisma migrate resolve --rolled-back`; such rows are ignored by deploy.
    public var rolledBackAt: Date?
    public var startedAt: Date
    /// 1 after a successful apply, 0 while running, after a failure, and for baseline rows.
    public var appliedStepsCount: Int

    public init(
        id: String, checksum: String, finishedAt: Date?, migrationName: String, logs: String?,
        rolledBackAt: Date?, startedAt: Date, appliedStepsCount: Int
    ) {
        self.id = id
        self.checksum = checksum
        self.finishedAt = finishedAt
        self.migrationName = migrationName
        self.logs = logs
        self.rolledBackAt = rolledBackAt
        self.startedAt = startedAt
        self.appliedStepsCount = appliedStepsCount
    }

    /// Prisma's definition of a failed migration: neither finished nor rolled back. A row whose
    /// apply is still running looks the same, which is why deploy holds an advisory lock.
    public var isFailed: Bool { finishedAt == nil && rolledBackAt == nil }
    public var isRolledBack: Bool { rolledBackAt != nil }
    public var isApplied: Bool { finishedAt != nil && rolledBackAt == nil }
}
