import Foundation

/// Where one migration stands, comparing `prisma/migrations` with `_prisma_migrations`.
package enum MigrationState: String, Sendable, CaseIterable {
    /// Finished, not rolled back, and the file still matches the recorded checksum.
    case applied
    /// In the folder, never attempted.
    case pending
    /// Attempted and neither finished nor rolled back (Prisma blocks deploys: P3009).
    case failed
    /// Every attempt was marked rolled back (`prisma migrate resolve --rolled-back`); deploy
    /// applies it again.
    case rolledBack
    /// Applied, but the file on disk no longer matches the recorded checksum.
    case editedAfterApply
    /// Applied to the database but not in the migrations folder.
    case missingLocally
}

/// One line of the status: a migration known locally, to the database, or both.
package struct MigrationStatusEntry: Sendable, Equatable {
    package let name: String
    package let state: MigrationState
    package let isLocal: Bool
    /// `MigrationChecksum.hex` of the file on disk.
    package let localChecksum: String?
    /// The checksum of the database row that decided the state.
    package let recordedChecksum: String?
    package let startedAt: Date?
    package let finishedAt: Date?
    /// Attempts marked rolled back, whatever happened afterwards.
    package let rolledBackAttempts: Int
    /// The failure logs of a failed migration.
    package let logs: String?
    /// Recorded as applied without running (`migrate resolve --applied`, fcb's baseline): Prisma
    /// writes those rows with empty logs and no applied steps.
    package let isBaseline: Bool

    package init(
        name: String, state: MigrationState, isLocal: Bool, localChecksum: String? = nil, recordedChecksum: String? = nil,
        startedAt: Date? = nil, finishedAt: Date? = nil, rolledBackAttempts: Int = 0, logs: String? = nil, isBaseline: Bool = false
    ) {
        self.name = name
        self.state = state
        self.isLocal = isLocal
        self.localChecksum = localChecksum
        self.recordedChecksum = recordedChecksum
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.rolledBackAttempts = rolledBackAttempts
        self.logs = logs
        self.isBaseline = isBaseline
    }
}
