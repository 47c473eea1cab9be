import FCBStore
import Foundation
import Testing

@Suite("SQL script splitting: edge cases")
struct SQLScriptEdgeCaseTests {
    @Test func splitsOnTopLevelSemicolonsOnly() {
        let script = """
            -- CreateTable; with a semicolon in a comment
            CREATE TABLE "A" ("v" TEXT DEFAULT 'a;b', "w" TEXT DEFAULT 'it''s;');
            /* block; /* nested; */ still comment; */
            ALTER TABLE "A" ADD COLUMN "x;y" TEXT;
            DO $$ BEGIN IF NOT EXISTS (SELECT 1) THEN EXECUTE 'SELECT 1; SELECT 2'; END IF; END $$;
            DO $body$ BEGIN PERFORM 1; END $body$;
            SELECT E'\\';' AS escaped;
            ;;
            -- trailing comment only
            """
        let statements = SQLScript.statements(in: script).map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(statements.count == 5)
        #expect(statements[0].hasSuffix(#"CREATE TABLE "A" ("v" TEXT DEFAULT 'a;b', "w" TEXT DEFAULT 'it''s;')"#))
        #expect(statements[1].hasSuffix(#"ALTER TABLE "A" ADD COLUMN "x;y" TEXT"#))
        #expect(statements[2] == "DO $$ BEGIN IF NOT EXISTS (SELECT 1) THEN EXECUTE 'SELECT 1; SELECT 2'; END IF; END $$")
        #expect(statements[3] == "DO $body$ BEGIN PERFORM 1; END $body$")
        #expect(statements[4] == #"SELECT E'\';' AS escaped"#)
    }

    @Test func positionalParametersAreNotDollarQuotes() {
        #expect(SQLScript.statements(in: "SELECT $1; SELECT 2").map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) } == ["SELECT $1", "SELECT 2"])
    }

    @Test func unterminatedQuotesDoNotCrash() {
        #expect(SQLScript.statements(in: "SELECT 'open; SELECT 2").count == 1)
        #expect(SQLScript.statements(in: "DO $$ never closed").count == 1)
        #expect(SQLScript.statements(in: "/* open comment").isEmpty)
        #expect(SQLScript.statements(in: "").isEmpty)
    }
}
