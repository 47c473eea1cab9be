/// How the two histories relate, with prisma-engines' `HistoryDiagnostic` meanings.
package enum MigrationHistory: Sendable, Equatable {
    case inSync
    /// Local migrations not applied yet (pending or rolled back), nothing unknown in the database.
    case databaseIsBehind(unapplied: [String])
    /// The database has migrations the folder lacks, and every local one is applied.
    case migrationsDirectoryIsBehind(notFoundLocally: [String])
    /// Both at once. `lastCommon` is the local migration just before the first unapplied one
    /// (nil when that is the very first), as Prisma reports it.
    case diverged(lastCommon: String?, unapplied: [String], notFoundLocally: [String])
}
