import FlowEngine

/// fcb's own tables (docs/compatibility.md#fcbs-own-tables), versioned by fcb: schema `fcb` on
/// PostgreSQL (invisible to Prisma's drift checks on `public`), `fcb_`-prefixed tables in the
/// SQLite file. On SQLite version 1 also creates the dashboard's tables, since no Prisma manages
/// that file.
package enum FCBSchema {
    package struct Version: Sendable {
        package let number: Int
        package let description: String
        let postgres: [String]
        let sqlite: [String]

        func statements(for dialect: SQLDialect) -> [String] {
            dialect == .postgres ? postgres : sqlite
        }
    }

    package static var latest: Int { versions.last?.number ?? 0 }

    package static let versions: [Version] = [
        Version(
            number: 1,
            description: "durable inbox",
            postgres: [
                """
                CREATE TABLE "fcb"."inbox" (
                    "id" BIGSERIAL NOT NULL CONSTRAINT "inbox_pkey" PRIMARY KEY,
                    "received_at" TIMESTAMP(3) NOT NULL,
                    "request_id" TEXT,
                    "kind" TEXT NOT NULL,
                    "dedupe_key" TEXT,
                    "contact_key" TEXT NOT NULL,
                    "user_id" TEXT,
                    "payload" JSONB NOT NULL,
                    "state" TEXT NOT NULL DEFAULT 'pending',
                    "attempts" INTEGER NOT NULL DEFAULT 0,
                    "available_at" TIMESTAMP(3) NOT NULL,
                    "locked_by" TEXT,
                    "locked_until" TIMESTAMP(3),
                    "last_error" TEXT,
                    "finished_at" TIMESTAMP(3)
                )
                """,
                #"CREATE UNIQUE INDEX "inbox_dedupe_key_key" ON "fcb"."inbox" ("dedupe_key")"#,
                #"CREATE INDEX "inbox_state_available_at_idx" ON "fcb"."inbox" ("state", "available_at")"#,
                #"CREATE INDEX "inbox_contact_key_id_idx" ON "fcb"."inbox" ("contact_key", "id")"#,
            ],
            sqlite: SQLiteSharedSchema.statements + [
                """
                CREATE TABLE "fcb_inbox" (
                    "id" INTEGER NOT NULL CONSTRAINT "inbox_pkey" PRIMARY KEY AUTOINCREMENT,
                    "received_at" TEXT NOT NULL,
                    "request_id" TEXT,
                    "kind" TEXT NOT NULL,
                    "dedupe_key" TEXT,
                    "contact_key" TEXT NOT NULL,
                    "user_id" TEXT,
                    "payload" TEXT NOT NULL,
                    "state" TEXT NOT NULL DEFAULT 'pending',
                    "attempts" INTEGER NOT NULL DEFAULT 0,
                    "available_at" TEXT NOT NULL,
                    "locked_by" TEXT,
                    "locked_until" TEXT,
                    "last_error" TEXT,
                    "finished_at" TEXT
                )
                """,
                #"CREATE UNIQUE INDEX "fcb_inbox_dedupe_key_key" ON "fcb_inbox" ("dedupe_key")"#,
                #"CREATE INDEX "fcb_inbox_state_available_at_idx" ON "fcb_inbox" ("state", "available_at")"#,
                #"CREATE INDEX "fcb_inbox_contact_key_id_idx" ON "fcb_inbox" ("contact_key", "id")"#,
            ]
        ),
        // Never edit a released version (databases already have it): add the next one.
        Version(
            number: 2,
            description: "inbox progress journal, statuses that arrive before their message",
            postgres: [
                #"ALTER TABLE "fcb"."inbox" ADD COLUMN "progress" JSONB"#,
                """
                CREATE TABLE "fcb"."pending_status" (
                    "id" BIGSERIAL NOT NULL CONSTRAINT "pending_status_pkey" PRIMARY KEY,
                    "wa_message_id" TEXT NOT NULL,
                    "user_id" TEXT NOT NULL,
                    "status" TEXT NOT NULL,
                    "status_timestamp" TIMESTAMP(3) NOT NULL,
                    "error" TEXT,
                    "conversation_id" TEXT,
                    "received_at" TIMESTAMP(3) NOT NULL
                )
                """,
                #"CREATE INDEX "pending_status_wa_message_id_idx" ON "fcb"."pending_status" ("wa_message_id")"#,
            ],
            sqlite: [
                #"ALTER TABLE "fcb_inbox" ADD COLUMN "progress" TEXT"#,
                """
                CREATE TABLE "fcb_pending_status" (
                    "id" INTEGER NOT NULL CONSTRAINT "pending_status_pkey" PRIMARY KEY AUTOINCREMENT,
                    "wa_message_id" TEXT NOT NULL,
                    "user_id" TEXT NOT NULL,
                    "status" TEXT NOT NULL,
                    "status_timestamp" TEXT NOT NULL,
                    "error" TEXT,
                    "conversation_id" TEXT,
                    "received_at" TEXT NOT NULL
                )
                """,
                #"CREATE INDEX "fcb_pending_status_wa_message_id_idx" ON "fcb_pending_status" ("wa_message_id")"#,
            ]
        ),
        // Finished items stay in the table, at the front of id order: without these the claim
        // walked every finished row on each call (132 ms at 47,000 rows, measured by bench/run.sh).
        Version(
            number: 3,
            description: "indexes over unfinished inbox items only",
            postgres: [
                #"CREATE INDEX "inbox_unfinished_id_idx" ON "fcb"."inbox" ("id") WHERE "state" IN ('pending', 'processing')"#,
                #"CREATE INDEX "inbox_unfinished_contact_key_id_idx" ON "fcb"."inbox" ("contact_key", "id") WHERE "state" IN ('pending', 'processing')"#,
            ],
            sqlite: [
                #"CREATE INDEX "fcb_inbox_unfinished_id_idx" ON "fcb_inbox" ("id") WHERE "state" IN ('pending', 'processing')"#,
                #"CREATE INDEX "fcb_inbox_unfinished_contact_key_id_idx" ON "fcb_inbox" ("contact_key", "id") WHERE "state" IN ('pending', 'processing')"#,
            ]
        ),
        // Retention (docs/serve.md#retention) deletes finished items by age, and the inbox metrics
        // count parked items, without reading the finished rows.
        Version(
            number: 4,
            description: "retention: finished items by age, parked items, kept statuses by age",
            postgres: [
                #"CREATE INDEX "inbox_done_finished_at_idx" ON "fcb"."inbox" ("finished_at") WHERE "state" = 'done'"#,
                #"CREATE INDEX "inbox_parked_id_idx" ON "fcb"."inbox" ("id") WHERE "state" = 'parked'"#,
                #"CREATE INDEX "pending_status_received_at_idx" ON "fcb"."pending_status" ("received_at")"#,
            ],
            sqlite: [
                #"CREATE INDEX "fcb_inbox_done_finished_at_idx" ON "fcb_inbox" ("finished_at") WHERE "state" = 'done'"#,
                #"CREATE INDEX "fcb_inbox_parked_id_idx" ON "fcb_inbox" ("id") WHERE "state" = 'parked'"#,
                #"CREATE INDEX "fcb_pending_status_received_at_idx" ON "fcb_pending_status" ("received_at")"#,
            ]
        ),
    ]

    /// Brings fcb's tables to ``latest``, one transaction per version. On PostgreSQL a
    /// transaction-scoped advisory lock makes concurrent starts of several instances take turns.
    /// Returns the version numbers applied.
    @discardableResult
    package static func install(on database: any SQLDatabase) async throws(StoreError) -> [Int] {
        // Concurrent `CREATE … IF NOT EXISTS` can still collide in PostgreSQL's catalog; the lock avoids it.
        try await database.transaction { (db: any SQLExecutor) async throws(StoreError) in
            if db.dialect == .postgres {
                try await db.query("SELECT pg_advisory_xact_lock(\(advisoryLockKey))")
                try await db.query(#"CREATE SCHEMA IF NOT EXISTS "fcb""#)
            }
            try await db.query(versionTableDDL(db.dialect))
        }
        var applied: [Int] = []
        for version in versions {
            let didApply = try await database.transaction { (db: any SQLExecutor) async throws(StoreError) -> Bool in
                if db.dialect == .postgres { try await db.query("SELECT pg_advisory_xact_lock(\(advisoryLockKey))") }
                let existing = try await db.first("SELECT 1 AS present FROM \(table: .schemaVersion) WHERE version = \(version.number)")
                guard existing == nil else { return false }
                try await db.execute(script: version.statements(for: db.dialect))
                try await db.query(
                    "INSERT INTO \(table: .schemaVersion) (version, description) VALUES (\(version.number), \(version.description))")
                return true
            }
            if didApply { applied.append(version.number) }
        }
        return applied
    }

    /// The highest version recorded, or nil when fcb's tables were never installed.
    package static func currentVersion(on database: any SQLExecutor) async throws(StoreError) -> Int? {
        let exists: SQLQuery =
            database.dialect == .postgres
            ? "SELECT to_regclass('\"fcb\".\"schema_version\"') IS NOT NULL AS present"
            : "SELECT count(*) > 0 AS present FROM sqlite_master WHERE type = 'table' AND name = 'fcb_schema_version'"
        guard let row = try await database.first(exists), try row.bool("present") else { return nil }
        return try await database.first("SELECT max(version) AS version FROM \(table: .schemaVersion)")?.optionalInt("version")
    }

    /// "fcb" as a 64-bit key for `pg_advisory_xact_lock`.
    static let advisoryLockKey: Int64 = 0x6663_6200_0000_0001

    static func versionTableDDL(_ dialect: SQLDialect) -> SQLQuery {
        let timestamp = dialect == .postgres ? "TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP" : "TEXT NOT NULL DEFAULT \(SQLiteSharedSchema.now)"
        return """
            CREATE TABLE IF NOT EXISTS \(table: .schemaVersion) (
                "version" INTEGER NOT NULL PRIMARY KEY,
                "description" TEXT NOT NULL,
                "applied_at" \(fragment: SQLQuery(unsafeSQL: timestamp))
            )
            """
    }
}
