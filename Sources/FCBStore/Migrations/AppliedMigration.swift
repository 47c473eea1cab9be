import Foundation

/// One row of `_prisma_migrations`, with the meaning prisma-engines gives each column
/// (`MigrationRecord` in schema-connector `migration_persistence.rs`).
package struct AppliedMigration: Sendable, Hashable {
    /// Random UUID v4, lower-case, chosen by the writer.
    package var id: String
    /// `MigrationChecksum.hex` of the script when it was applied (or a legacy unpadded form).
    package var checksum: String
    /// When the migration completed successfully; nil while running and after a failure.
    package var finishedAt: Date?
    /// The migration folder's name.
    package var migrationName: String
    /// On failure, the error as Prisma formats it; `""` for rows written by
    /// `prisma migrate resolve --applied` (a baseline); nil after a normal successful apply.
    package var logs: String?
    /// Set by `prisma migrate resolve --rolled-back`; such rows are ignored by deploy.
    package var rolledBackAt: Date?
    package var startedAt: Date
    /// 1 after a successful apply, 0 while running, after a failure, and for baseline rows.
    package var appliedStepsCount: Int

    package init(
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
    package var isFailed: Bool { finishedAt == nil && rolledBackAt == nil }
    package var isRolledBack: Bool { rolledBackAt != nil }
    package var isApplied: Bool { finishedAt != nil && rolledBackAt == nil }
}
