import Foundation
import Testing

@testable import FCBStore
@testable import FlowEngine

@Suite("_prisma_migrations rows and SQL")
struct MigrationRecordsTests {
    typealias F = MigrationFixture

    @Test func idsAreLowerCaseUUIDv4() {
        let id = MigrationRecords.newID()
        #expect(id.count == 36)
        #expect(id == id.lowercased())
        let parts = id.split(separator: "-")
        #expect(parts.map(\.count) == [8, 4, 4, 4, 12])
        #expect(parts[2].first == "4")
        #expect(["8", "9", "a", "b"].contains(parts[3].first))
        #expect(MigrationRecords.newID() != id)
    }

    @Test func startedFinishedAndFailedRowsAreWhatPrismaWrites() {
        let started = MigrationRecords.started(F.first, at: F.t0, id: "r1")
        #expect(
            started
                == AppliedMigration(
                    id: "r1", checksum: F.first.checksum.hex, finishedAt: nil, migrationName: F.first.name, logs: nil, rolledBackAt: nil,
                    startedAt: F.t0, appliedStepsCount: 0))
        let later = F.t0.addingTimeInterval(2)
        let finished = MigrationRecords.finished(started, at: later)
        #expect(finished.finishedAt == later)
        #expect(finished.appliedStepsCount == 1)
        #expect(finished.logs == nil)
        #expect(finished.isApplied)
        let failed = MigrationRecords.failed(started, logs: "boom")
        #expect(failed.logs == "boom")
        #expect(failed.finishedAt == nil)
        #expect(failed.appliedStepsCount == 0)
        #expect(failed.isFailed)
    }

    @Test func baselineRowIsWhatMigrateResolveAppliedWrites() {
        let row = MigrationRecords.baseline(F.first, at: F.t0, id: "b1")
        #expect(
            row
                == AppliedMigration(
                    id: "b1", checksum: F.first.checksum.hex, finishedAt: F.t0, migrationName: F.first.name, logs: "", rolledBackAt: nil,
                    startedAt: F.t0, appliedStepsCount: 0))
    }

    @Test func createTableIsPrismasStatement() {
        #expect(
            PrismaMigrationsTable.createPostgres == """
                CREATE TABLE _prisma_migrations (
                    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
                    checksum                VARCHAR(64) NOT NULL,
                    finished_at             TIMESTAMPTZ,
                    migration_name          VARCHAR(255) NOT NULL,
                    logs                    TEXT,
                    rolled_back_at          TIMESTAMPTZ,
                    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
                    applied_steps_count     INTEGER NOT NULL DEFAULT 0
                );

                """)
        #expect(
            PrismaMigrationsTable.createSQLite.hasPrefix("CREATE TABLE \"_prisma_migrations\" (\n    \"id\"                    TEXT PRIMARY KEY NOT NULL,\n"))
        #expect(PrismaMigrationsTable.createSQLite.contains("\"applied_steps_count\"   INTEGER UNSIGNED NOT NULL DEFAULT 0\n);\n"))
    }

    /// Statements carry placeholders only, never values.
    @Test func statementsAreParameterised() {
        let postgres = [
            PrismaMigrationsTable.insertStartedPostgres, PrismaMigrationsTable.markFinishedPostgres,
            PrismaMigrationsTable.recordFailurePostgres, PrismaMigrationsTable.insertRowPostgres,
        ]
        #expect(postgres.map { $0.components(separatedBy: "$").count - 1 } == [4, 2, 2, 8])
        let sqlite = [
            PrismaMigrationsTable.insertStartedSQLite, PrismaMigrationsTable.markFinishedSQLite, PrismaMigrationsTable.recordFailureSQLite,
            PrismaMigrationsTable.insertRowSQLite,
        ]
        #expect(sqlite.map { $0.components(separatedBy: "?").count - 1 } == [4, 2, 2, 8])
        #expect(!PrismaMigrationsTable.selectAll.contains("$"))
        #expect(PrismaMigrationsTable.selectAll.hasSuffix("FROM _prisma_migrations ORDER BY started_at ASC"))
    }
}

@Suite("Failure logs as Prisma formats them")
struct MigrationFailureLogTests {
    @Test func serverErrorWithoutPosition() {
        let logs = MigrationFailureLog.render(
            migrationName: "20250101000000_init", script: "CREATE TABLE \"A\" ();\n",
            error: DatabaseErrorReport(
                severity: "ERROR", nonLocalizedSeverity: "ERROR", code: "42P07", message: "relation \"A\" already exists",
                file: "heap.c", line: 1164, routine: "heap_create_with_catalog"))
        #expect(
            logs == """
                A migration failed to apply. New migrations cannot be applied before the error is recovered from. \
                Read more about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve

                Migration name: 20250101000000_init

                Database error code: 42P07

                Database error:
                ERROR: relation "A" already exists

                DbError { severity: "ERROR", parsed_severity: Some(Error), code: SqlState(E42P07), \
                message: "relation \\"A\\" already exists", detail: None, hint: None, position: None, where_: None, \
                schema: None, table: None, column: None, datatype: None, constraint: None, file: Some("heap.c"), \
                line: Some(1164), routine: Some("heap_create_with_catalog") }

                   0: fcb::migrate_deploy::apply_script
                           with migration_name="20250101000000_init"
                """)
    }

    /// PostgreSQL reports the 1-based character position of the error: 47 is the `S` of line 7.
    @Test func positionMarksTheFailingLineInBoldRed() {
        let script = "-- one\n-- two\n-- three\n-- four\n-- five\n-- six\nSELEC oops;\n"
        let error = DatabaseErrorReport(
            severity: "ERROR", nonLocalizedSeverity: "ERROR", code: "42601", message: "syntax error at or near \"SELEC\"", position: 47,
            file: "scan.l", line: 1188, routine: "scanner_yyerror")
        let logs = MigrationFailureLog.render(migrationName: "m", script: script, error: error)
        let bold = "\u{1B}[1m"
        let reset = "\u{1B}[0m"
        #expect(
            logs.contains(
                "Database error:\nERROR: syntax error at or near \"SELEC\"\n\nPosition:\n"
                    + "\(bold)  2\(reset) -- two\n\(bold)  3\(reset) -- three\n\(bold)  4\(reset) -- four\n"
                    + "\(bold)  5\(reset) -- five\n\(bold)  6\(reset) -- six\n\(bold)  7\u{1B}[1;31m SELEC oops;\(reset)\n\n"
                    + "DbError { severity: \"ERROR\", parsed_severity: Some(Error), code: SqlState(E42601), "
                    + "message: \"syntax error at or near \\\"SELEC\\\"\", detail: None, hint: None, position: Some(Original(47)), "))
    }

    /// On the first line Prisma prints a line 0 (its arithmetic allows it); so does fcb.
    @Test func positionOnTheFirstLine() {
        #expect(
            MigrationFailureLog.positionBlock(script: "SELEC 1;\n", position: 1)
                == "\n\nPosition:\n\u{1B}[1m  0\u{1B}[0m\n\u{1B}[1m  1\u{1B}[1;31m SELEC 1;\u{1B}[0m")
        #expect(MigrationFailureLog.positionBlock(script: "SELECT 1;\n", position: 99) == "")
        #expect(MigrationFailureLog.positionBlock(script: "SELECT 1;\n", position: nil) == "")
    }

    @Test func detailHintAndEveryDebugField() {
        let error = DatabaseErrorReport(
            severity: "ERREUR", nonLocalizedSeverity: "ERROR", code: "2BP01", message: "cannot drop table a",
            detail: "constraint b_fkey on table b depends on table a\nmore", hint: "Use DROP ... CASCADE.", internalPosition: 3,
            internalQuery: "SELECT \"x\"", whereContext: "PL/pgSQL function inline_code_block line 3", schema: "public", table: "a",
            column: "c", dataType: "text", constraint: "b_fkey", file: "dependency.c", line: 1148, routine: "reportDependentObjects")
        #expect(
            MigrationFailureLog.summary(error)
                == "ERREUR: cannot drop table a\nDETAIL: constraint b_fkey on table b depends on table a\nmore\nHINT: Use DROP ... CASCADE.")
        #expect(
            MigrationFailureLog.debug(error)
                == "DbError { severity: \"ERREUR\", parsed_severity: Some(Error), code: SqlState(E2BP01), message: \"cannot drop table a\", "
                + "detail: Some(\"constraint b_fkey on table b depends on table a\\nmore\"), hint: Some(\"Use DROP ... CASCADE.\"), "
                + "position: Some(Internal { position: 3, query: \"SELECT \\\"x\\\"\" }), "
                + "where_: Some(\"PL/pgSQL function inline_code_block line 3\"), schema: Some(\"public\"), table: Some(\"a\"), "
                + "column: Some(\"c\"), datatype: Some(\"text\"), constraint: Some(\"b_fkey\"), file: Some(\"dependency.c\"), "
                + "line: Some(1148), routine: Some(\"reportDependentObjects\") }")
    }

    @Test func nonServerFailure() {
        #expect(
            MigrationFailureLog.render(migrationName: "m", databaseError: "connection closed").contains(
                "Database error code: none\n\nDatabase error:\nconnection closed\n\n   0: fcb::migrate_deploy::apply_script"))
    }

    @Test func rustStringDebug() {
        #expect(MigrationFailureLog.rustDebug("a\"b\\c\nd\te\u{1}é«") == "\"a\\\"b\\\\c\\nd\\te\\u{1}é«\"")
        #expect(MigrationFailureLog.rustLines("a\r\nb\n\nc") == ["a", "b", "", "c"])
        #expect(MigrationFailureLog.rustLines("a\n") == ["a"])
        #expect(MigrationFailureLog.rustLines("") == [])
    }
}
