import Testing

@testable import FCBStore

@Suite("Splitting migration scripts into statements")
struct SQLScriptTests {
    func texts(_ script: String) -> [String] { SQLScript.statements(in: script).map(\.text) }

    /// Each statement of these was run on its own, all six migrations in one transaction each,
    /// on PostgreSQL 15: the catalog came out identical to running the whole files.
    @Test func theRepositoryMigrations() throws {
        let directory = try MigrationDirectory.load(from: MigrationFixture.repositoryMigrations)
        #expect(directory.migrations.map { SQLScript.statements(in: $0.script).count } == [15, 1, 4, 1, 1, 20])
        let ours = SQLScript.statements(in: try #require(directory.migrations.last).script)
        let doBlock = ours[13].text
        #expect(doBlock.hasPrefix("\n\n-- AddForeignKey\nDO $$\nBEGIN\n"))
        #expect(doBlock.hasSuffix("ON DELETE RESTRICT ON UPDATE CASCADE;\n    END IF;\nEND $$"))
    }

    @Test func semicolonsInsideQuotesCommentsAndParenthesesDoNotSplit() {
        #expect(texts("SELECT ';'; SELECT 'it''s;'") == ["SELECT ';'", " SELECT 'it''s;'"])
        #expect(texts(#"SELECT "a;b" FROM "t"";x"; SELECT 2"#) == [#"SELECT "a;b" FROM "t"";x""#, " SELECT 2"])
        #expect(texts(#"SELECT E'\';', e'\\'; SELECT 2"#) == [#"SELECT E'\';', e'\\'"#, " SELECT 2"])
        #expect(texts("SELECT 'a\\'; SELECT 2") == ["SELECT 'a\\'", " SELECT 2"])
        #expect(texts("SELECT $q$ ; $$ ; $q$; SELECT $$;$$") == ["SELECT $q$ ; $$ ; $q$", " SELECT $$;$$"])
        #expect(texts("SELECT $1; SELECT a$b; SELECT 3") == ["SELECT $1", " SELECT a$b", " SELECT 3"])
        #expect(texts("SELECT 1 -- ; not here\n; SELECT /* ; /* ; */ ; */ 2") == ["SELECT 1 -- ; not here\n", " SELECT /* ; /* ; */ ; */ 2"])
        #expect(
            texts("CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2); SELECT 3") == [
                "CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2)", " SELECT 3",
            ])
    }

    @Test func emptyAndCommentOnlyPiecesAreDropped() {
        #expect(texts("") == [])
        #expect(texts(";;\n  ;") == [])
        #expect(texts("-- only a comment\n") == [])
        #expect(texts("SELECT 1;\n-- trailing comment\n/* and this */\n") == ["SELECT 1"])
        #expect(texts("-- Header\nSELECT 1") == ["-- Header\nSELECT 1"])
    }

    /// PostgreSQL reports positions in characters from the start of the statement it received.
    @Test func offsetsTurnStatementPositionsIntoScriptPositions() {
        let script = "SELECT 1;\nSELEC oops;\n"
        let statements = SQLScript.statements(in: script)
        #expect(statements == [SQLStatement(text: "SELECT 1", offset: 0), SQLStatement(text: "\nSELEC oops", offset: 9)])
        // The server puts the error at the S of SELEC: character 2 of "\nSELEC oops".
        #expect(statements[1].scriptPosition(2) == 11)
        let accented = SQLScript.statements(in: "SELECT 'é';SELECT x")
        #expect(accented.map(\.offset) == [0, 11])
    }
}
