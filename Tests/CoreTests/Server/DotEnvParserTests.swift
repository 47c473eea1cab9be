import FCBServe
import Testing

@Suite("the .env parser")
struct DotEnvParserTests {
    private func parse(_ text: String) throws(ServeConfigurationError) -> DotEnvFile { try DotEnvFile.parse(text, path: ".env") }

    private func failure(_ text: String) -> String? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func plainAssignmentsCommentsAndBlankLines() throws {
        let file = try parse(
            """
            # the database
            DATABASE_URL=postgres://u:p@h/db

               \t
            PORT=3000
              HOST = 0.0.0.0  
            EMPTY=
            """)
        #expect(file.entries.map(\.key) == ["DATABASE_URL", "PORT", "HOST", "EMPTY"])
        #expect(file["DATABASE_URL"] == "postgres://u:p@h/db")
        #expect(file["PORT"] == "3000")
        #expect(file["HOST"] == "0.0.0.0")
        #expect(file["EMPTY"] == "")
        #expect(file.entries.map(\.line) == [2, 5, 6, 7])
    }

    @Test func exportPrefix() throws {
        let file = try parse("export PORT=8080\nexport\tHOST=::1\nexport=literal\n")
        #expect(file["PORT"] == "8080")
        #expect(file["HOST"] == "::1")
        #expect(file["export"] == "literal")
    }

    @Test func singleQuotesAreLiteral() throws {
        let file = try parse(#"SECRET='a "b" \n # not a comment $HOME'"#)
        #expect(file["SECRET"] == #"a "b" \n # not a comment $HOME"#)
    }

    @Test func doubleQuotesUnderstandEscapes() throws {
        let file = try parse(#"KEY="line1\nline2\t\"quoted\" back\\slash \q""#)
        #expect(file["KEY"] == "line1\nline2\t\"quoted\" back\\slash \\q")
    }

    @Test func quotedValuesMaySpanLines() throws {
        let file = try parse("PEM=\"-----BEGIN-----\r\nabc\r\n-----END-----\"\r\nNEXT=1\r\n")
        #expect(file["PEM"] == "-----BEGIN-----\nabc\n-----END-----")
        #expect(file.entries.map(\.line) == [1, 4])
    }

    @Test func commentsOutsideQuotes() throws {
        let file = try parse(
            """
            A=value # trailing comment
            B="quoted # kept" # comment
            C='single # kept'   # comment
            D=pa#ss
            E=#only a comment
            """)
        #expect(file["A"] == "value")
        #expect(file["B"] == "quoted # kept")
        #expect(file["C"] == "single # kept")
        #expect(file["D"] == "pa#ss")
        #expect(file["E"] == "")
    }

    @Test func crlfLineEndsAndByteOrderMark() throws {
        let file = try parse("\u{FEFF}A=1\r\nB='2'\r\n\r\n# c\r\nC=\"3\"\r\n")
        #expect(file["A"] == "1")
        #expect(file["B"] == "2")
        #expect(file["C"] == "3")
        #expect(file.entries.map(\.line) == [1, 2, 5])
    }

    @Test func laterAssignmentWins() throws {
        let file = try parse("PORT=1\nPORT=2\n")
        #expect(file["PORT"] == "2")
    }

    @Test func valuesKeepInnerSpacesAndEqualsSigns() throws {
        let file = try parse("GREETING=hello  world\nURL=postgres://u:p@h/db?a=b&c=d\n")
        #expect(file["GREETING"] == "hello  world")
        #expect(file["URL"] == "postgres://u:p@h/db?a=b&c=d")
    }

    @Test(arguments: [
        ("A=1\nnot an assignment\n", #".env:2: expected KEY=value, found "not an assignment""#),
        ("A=1\nB 2\n", #".env:2: expected KEY=value, found "B 2""#),
        ("B C=2\n", #".env:1: expected "=" after B"#),
        ("\n\n=value\n", #".env:3: expected KEY=value, found "=value""#),
        ("1A=x\n", #".env:1: "1A" is not a valid variable name (it starts with a digit)"#),
        ("A=1\nB='open\nC=2\n", ".env:2: unterminated single-quoted value (no closing ')"),
        ("A=\"open\n", #".env:1: unterminated double-quoted value (no closing ")"#),
        ("A=1\nB=\"x\" y\n", ".env:2: unexpected text after the closing quote of B"),
        ("X=\"a\nb\" junk\n", ".env:2: unexpected text after the closing quote of X"),
        ("export\n", #".env:1: expected KEY=value, found "export""#),
        ("KEY: value\n", #".env:1: expected KEY=value, found "KEY: value""#),
    ])
    func malformedLinesNameFileAndLine(text: String, message: String) {
        #expect(failure(text) == message)
    }

    @Test func missingFileIsNotAnError() throws {
        #expect(try DotEnvFile.load(path: "/nonexistent/dir/.env") == nil)
    }
}
