import Testing

@testable import FCBStore

/// Exact `fcb migrate-status` text for each state (the outputs shown in docs/migrations.md).
@Suite("migrate-status text report")
struct MigrationStatusTextTests {
    func render(_ status: MigrationStatus) -> String { MigrationStatusText.render(status, migrationsPath: "prisma/migrations") }

    @Test func inSync() {
        let status = MigrationScenario.inSync
        #expect(status.exitCode == 0)
        #expect(
            render(status) == """
                6 migrations found in prisma/migrations; 6 rows in _prisma_migrations.

                Migration                                 State    Finished at              Note
                20250822040913_add_channel_to_flow        applied  2025-12-01 10:00:01 UTC
                20250822041259_add_meta_settings_to_user  applied  2025-12-01 10:01:01 UTC
                20250905043046_add_session_model          applied  2025-12-01 10:02:01 UTC
                20250915000000_drop_flow_phone_number     applied  2025-12-01 10:03:01 UTC
                20250917000000_add_meta_phone_pin         applied  2025-12-01 10:04:01 UTC
                20251201000000_complete_shared_schema     applied  2025-12-01 10:05:01 UTC

                fcb schema: version 1 (latest).

                Database schema is up to date!

                """)
    }

    @Test func pending() {
        let status = MigrationScenario.pending
        #expect(status.exitCode == 1)
        #expect(
            render(status) == """
                6 migrations found in prisma/migrations; 5 rows in _prisma_migrations.

                Migration                                 State    Finished at              Note
                20250822040913_add_channel_to_flow        applied  2025-12-01 10:00:01 UTC
                20250822041259_add_meta_settings_to_user  applied  2025-12-01 10:01:01 UTC
                20250905043046_add_session_model          applied  2025-12-01 10:02:01 UTC
                20250915000000_drop_flow_phone_number     applied  2025-12-01 10:03:01 UTC
                20250917000000_add_meta_phone_pin         applied  2025-12-01 10:04:01 UTC
                20251201000000_complete_shared_schema     pending  -

                Following migration has not yet been applied:
                20251201000000_complete_shared_schema

                To apply it run `fcb migrate-deploy`.

                """)
    }

    @Test func empty() {
        let status = MigrationScenario.empty
        #expect(status.exitCode == 1)
        #expect(
            render(status) == """
                6 migrations found in prisma/migrations; the database has no _prisma_migrations table.

                Migration                                 State    Finished at  Note
                20250822040913_add_channel_to_flow        pending  -
                20250822041259_add_meta_settings_to_user  pending  -
                20250905043046_add_session_model          pending  -
                20250915000000_drop_flow_phone_number     pending  -
                20250917000000_add_meta_phone_pin         pending  -
                20251201000000_complete_shared_schema     pending  -

                The current database is empty and not managed by Prisma Migrate.
                Next step: `fcb migrate-deploy` creates _prisma_migrations and applies all 6 migrations.

                """)
    }

    @Test func dbPush() {
        let status = MigrationScenario.dbPush
        #expect(status.exitCode == 1)
        #expect(
            render(status) == """
                6 migrations found in prisma/migrations; the database has no _prisma_migrations table.

                Migration                                 State    Finished at  Note
                20250822040913_add_channel_to_flow        pending  -
                20250822041259_add_meta_settings_to_user  pending  -
                20250905043046_add_session_model          pending  -
                20250915000000_drop_flow_phone_number     pending  -
                20250917000000_add_meta_phone_pin         pending  -
                20251201000000_complete_shared_schema     pending  -

                The current database is not managed by Prisma Migrate: it has 11 tables (Broadcast, BroadcastRecipient, Contact, Flow, Lead, …) but no _prisma_migrations table, as `prisma db push` leaves it.
                Deploying onto it fails with P3005 (the database schema is not empty).

                If you want to keep the current database structure and data, baseline this database with the migration "20250917000000_add_meta_phone_pin":
                fcb migrate-deploy --baseline "20250917000000_add_meta_phone_pin"
                It records that migration and the ones before it as applied without running them, then applies the rest.

                Read more about how to baseline an existing production database:
                https://pris.ly/d/migrate-baseline

                """)
    }

    @Test func failed() {
        let status = MigrationScenario.failed
        #expect(status.exitCode == 1)
        #expect(
            render(status) == """
                6 migrations found in prisma/migrations; 6 rows in _prisma_migrations.

                Migration                                 State    Finished at              Note
                20250822040913_add_channel_to_flow        applied  2025-12-01 10:00:01 UTC
                20250822041259_add_meta_settings_to_user  applied  2025-12-01 10:01:01 UTC
                20250905043046_add_session_model          applied  2025-12-01 10:02:01 UTC
                20250915000000_drop_flow_phone_number     applied  2025-12-01 10:03:01 UTC
                20250917000000_add_meta_phone_pin         applied  2025-12-01 10:04:01 UTC
                20251201000000_complete_shared_schema     failed   -                        started 2025-12-01 10:05:00 UTC

                Following migration has failed:
                20251201000000_complete_shared_schema
                  ERROR: relation "Message_waMessageId_key" already exists

                New migrations cannot be applied before the error is recovered from (P3009). Repair the database, then mark the failed migration(s) as rolled back or applied, from the dashboard repository:

                - If you rolled back the migration(s) manually:
                npx prisma migrate resolve --rolled-back "20251201000000_complete_shared_schema"

                - If you fixed the database manually (hotfix):
                npx prisma migrate resolve --applied "20251201000000_complete_shared_schema"

                Read more about how to resolve migration issues in a production database:
                https://pris.ly/d/migrate-resolve

                """)
    }

    @Test func edited() {
        let status = MigrationScenario.edited
        #expect(status.exitCode == 1)
        #expect(
            render(status) == """
                6 migrations found in prisma/migrations; 6 rows in _prisma_migrations.

                Migration                                 State               Finished at              Note
                20250822040913_add_channel_to_flow        applied             2025-12-01 10:00:01 UTC
                20250822041259_add_meta_settings_to_user  edited after apply  2025-12-01 10:01:01 UTC  checksum 8f9d2e2c… on disk, 2d711642… recorded
                20250905043046_add_session_model          applied             2025-12-01 10:02:01 UTC
                20250915000000_drop_flow_phone_number     applied             2025-12-01 10:03:01 UTC
                20250917000000_add_meta_phone_pin         applied             2025-12-01 10:04:01 UTC
                20251201000000_complete_shared_schema     applied             2025-12-01 10:05:01 UTC

                Following migration was modified after it was applied:
                20250822041259_add_meta_settings_to_user

                Its migration.sql no longer matches the checksum recorded when applied. Restore the applied version from version control; to change the schema, add a new migration instead.

                """)
    }

    @Test func rolledBackThenReapplied() {
        let status = MigrationScenario.rolledBackThenReapplied
        #expect(status.exitCode == 0)
        #expect(
            render(status) == """
                6 migrations found in prisma/migrations; 7 rows in _prisma_migrations.

                Migration                                 State    Finished at              Note
                20250822040913_add_channel_to_flow        applied  2025-12-01 10:00:01 UTC
                20250822041259_add_meta_settings_to_user  applied  2025-12-01 10:01:01 UTC
                20250905043046_add_session_model          applied  2025-12-01 10:02:01 UTC
                20250915000000_drop_flow_phone_number     applied  2025-12-01 10:03:01 UTC
                20250917000000_add_meta_phone_pin         applied  2025-12-01 10:04:01 UTC
                20251201000000_complete_shared_schema     applied  2025-12-01 10:07:01 UTC  after 1 rolled-back attempt

                Database schema is up to date!

                """)
    }

    @Test func rolledBackOnly() {
        let status = MigrationScenario.rolledBackOnly
        #expect(status.exitCode == 1)
        #expect(
            render(status) == """
                6 migrations found in prisma/migrations; 6 rows in _prisma_migrations.

                Migration                                 State        Finished at              Note
                20250822040913_add_channel_to_flow        applied      2025-12-01 10:00:01 UTC
                20250822041259_add_meta_settings_to_user  applied      2025-12-01 10:01:01 UTC
                20250905043046_add_session_model          applied      2025-12-01 10:02:01 UTC
                20250915000000_drop_flow_phone_number     applied      2025-12-01 10:03:01 UTC
                20250917000000_add_meta_phone_pin         applied      2025-12-01 10:04:01 UTC
                20251201000000_complete_shared_schema     rolled back  -                        rolled back once; deploy applies it again

                fcb schema: not created yet (latest version 1); `fcb migrate-deploy` creates it.

                Following migration has not yet been applied:
                20251201000000_complete_shared_schema

                To apply it run `fcb migrate-deploy`.

                """)
    }

    @Test func missingLocally() {
        let status = MigrationScenario.missingLocally
        #expect(status.exitCode == 1)
        #expect(
            render(status) == """
                6 migrations found in prisma/migrations; 7 rows in _prisma_migrations.

                Migration                                 State            Finished at              Note
                20250822040913_add_channel_to_flow        applied          2025-12-01 10:00:01 UTC
                20250822041259_add_meta_settings_to_user  applied          2025-12-01 10:01:01 UTC
                20250905043046_add_session_model          applied          2025-12-01 10:02:01 UTC
                20250915000000_drop_flow_phone_number     applied          2025-12-01 10:03:01 UTC
                20250917000000_add_meta_phone_pin         applied          2025-12-01 10:04:01 UTC
                20251201000000_complete_shared_schema     applied          2025-12-01 10:05:01 UTC
                20251210000000_dashboard_adds_x           missing locally  2025-12-01 10:08:01 UTC  not in prisma/migrations

                Following migration from the database is not found locally in prisma/migrations:
                20251210000000_dashboard_adds_x

                The database has migrations this fcb does not know (probably added by the dashboard). Update fcb, or point --migrations at the dashboard's prisma/migrations, before deploying.

                """)
    }

    @Test func diverged() {
        let status = MigrationScenario.diverged
        #expect(status.exitCode == 1)
        #expect(
            render(status) == """
                6 migrations found in prisma/migrations; 6 rows in _prisma_migrations.

                Migration                                 State            Finished at              Note
                20250822040913_add_channel_to_flow        applied          2025-12-01 10:00:01 UTC
                20250822041259_add_meta_settings_to_user  applied          2025-12-01 10:01:01 UTC
                20250905043046_add_session_model          applied          2025-12-01 10:02:01 UTC
                20250915000000_drop_flow_phone_number     applied          2025-12-01 10:03:01 UTC
                20250917000000_add_meta_phone_pin         applied          2025-12-01 10:04:01 UTC
                20251115000000_dashboard_adds_y           missing locally  2025-12-01 10:08:01 UTC  not in prisma/migrations
                20251201000000_complete_shared_schema     pending          -

                Your local migration history and the migrations table from your database are different:

                The last common migration is: 20250917000000_add_meta_phone_pin

                The migration has not yet been applied:
                20251201000000_complete_shared_schema

                The migration from the database is not found locally in prisma/migrations:
                20251115000000_dashboard_adds_y

                `fcb migrate-deploy` refuses to apply migrations onto a diverged history. Bring prisma/migrations in line with the dashboard's migrations first.

                """)
    }

    @Test func baselined() {
        let status = MigrationScenario.baselined
        #expect(status.exitCode == 0)
        #expect(
            render(status) == """
                6 migrations found in prisma/migrations; 6 rows in _prisma_migrations.

                Migration                                 State    Finished at              Note
                20250822040913_add_channel_to_flow        applied  2025-12-01 10:00:00 UTC  baselined: recorded as applied without running
                20250822041259_add_meta_settings_to_user  applied  2025-12-01 10:00:00 UTC  baselined: recorded as applied without running
                20250905043046_add_session_model          applied  2025-12-01 10:00:00 UTC  baselined: recorded as applied without running
                20250915000000_drop_flow_phone_number     applied  2025-12-01 10:00:00 UTC  baselined: recorded as applied without running
                20250917000000_add_meta_phone_pin         applied  2025-12-01 10:00:00 UTC  baselined: recorded as applied without running
                20251201000000_complete_shared_schema     applied  2025-12-01 10:01:01 UTC

                Database schema is up to date!

                """)
    }

    @Test func noMigrationsAtAll() {
        let status = MigrationStatus.compute(local: [], database: .managed([]))
        #expect(render(status) == "No migration found in prisma/migrations; 0 rows in _prisma_migrations.\n\nDatabase schema is up to date!\n")
        let unmanaged = MigrationStatus.compute(local: [], database: .unmanaged(existingTables: []))
        #expect(
            render(unmanaged)
                == "No migration found in prisma/migrations; the database has no _prisma_migrations table.\n\nThe current database is empty and not managed by Prisma Migrate.\nThere are no migrations to apply.\n"
        )
    }

    @Test func fcbSchemaLines() {
        #expect(
            MigrationStatusText.fcbSchemaLine(FCBSchemaVersion(current: 2, latest: 3)) == "fcb schema: version 2, latest 3; `fcb migrate-deploy` upgrades it.")
        #expect(
            MigrationStatusText.fcbSchemaLine(FCBSchemaVersion(current: 4, latest: 3)) == "fcb schema: version 4 is newer than this fcb knows (3); upgrade fcb."
        )
    }

    @Test func pluralWording() {
        let status = MigrationStatus.compute(local: MigrationFixture.all, database: .managed([MigrationFixture.applied(MigrationFixture.first, minute: 0)]))
        #expect(
            render(status).hasSuffix(
                """
                Following migrations have not yet been applied:
                20250201000000_add_b
                20250301000000_add_c

                To apply them run `fcb migrate-deploy`.

                """))
    }
}
