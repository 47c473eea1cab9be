import Testing

@testable import FCBStore

@Suite("Expected schema and catalog comparison")
struct SchemaCatalogTests {
    func catalog() throws -> SchemaCatalog { try SchemaCatalogQuery.catalog(rows: CatalogFixture.rows) }

    /// The real PostgreSQL catalog after the six migrations is exactly the expected schema.
    @Test func realCatalogMatchesTheExpectedSchema() throws {
        let actual = try catalog()
        #expect(SchemaDiff.diff(expected: ExpectedSchema.catalog, actual: actual) == [])
        #expect(actual.tables.map(\.name) == ExpectedSchema.catalog.tables.map(\.name))
        #expect(actual.tables.map(\.columns.count) == [12, 10, 7, 15, 11, 7, 13, 8, 2, 2, 12])
    }

    /// Spot checks of docs/compatibility.md#columns read straight from the parsed catalog.
    @Test func catalogRowsAreParsed() throws {
        let actual = try catalog()
        let message = try #require(actual[table: "Message"])
        #expect(
            message.columns.first { $0.name == "status" }
                == ColumnDescription(name: "status", type: "text", isNotNull: true, defaultExpression: "'Pending'::text"))
        #expect(message.columns.first { $0.name == "payload" } == ColumnDescription(name: "payload", type: "jsonb", isNotNull: false))
        #expect(message.primaryKey == PrimaryKeyDescription(name: "Message_pkey", columns: ["id"]))
        #expect(
            message.indexes.first { $0.name == "Message_contactId_createdAt_idx" }
                == IndexDescription(name: "Message_contactId_createdAt_idx", columns: ["contactId", "createdAt"], isUnique: false))
        #expect(
            message.foreignKeys.first { $0.name == "Message_sessionId_fkey" }
                == ForeignKeyDescription(
                    name: "Message_sessionId_fkey", columns: ["sessionId"], referencedTable: "public.Session", referencedColumns: ["id"],
                    onUpdate: .cascade, onDelete: .setNull))
        #expect(actual[table: "TagsOnContacts"]?.primaryKey?.columns == ["contactId", "tagId"])
        #expect(actual[table: "Broadcast"]?.columns.first { $0.name == "totalRecipients" }?.defaultExpression == "0")
        #expect(actual[table: "User"]?.columns.first { $0.name == "updatedAt" }?.defaultExpression == nil)
    }

    @Test func columnOrderDoesNotMatter() throws {
        var actual = try catalog()
        actual.tables[0].columns.reverse()
        #expect(SchemaDiff.diff(expected: ExpectedSchema.catalog, actual: actual) == [])
    }

    @Test func differencesAreSpelledOut() throws {
        var tables = try catalog().tables
        func edit(_ name: String, _ change: (inout TableDescription) -> Void) {
            let index = tables.firstIndex { $0.name == name }!
            change(&tables[index])
        }
        edit("Message") { table in
            let status = table.columns.firstIndex { $0.name == "status" }!
            table.columns[status].defaultExpression = nil
            table.columns[status].isNotNull = false
            table.indexes.removeAll { $0.name == "Message_waMessageId_idx" }
            let session = table.foreignKeys.firstIndex { $0.name == "Message_sessionId_fkey" }!
            table.foreignKeys[session].onDelete = .restrict
            table.columns.append(ColumnDescription(name: "extra", type: "integer", isNotNull: false))
        }
        edit("Flow") { table in
            let metadata = table.columns.firstIndex { $0.name == "metaFlowMetadata" }!
            table.columns[metadata].type = "json"
            table.indexes[0].isUnique = false
            table.primaryKey = nil
        }
        edit("Session") { table in
            table.indexes[0].columns = ["flowId", "contactId"]
            table.foreignKeys.removeAll()
        }
        tables.removeAll { $0.name == "Lead" }
        tables.append(TableDescription(name: "fcb_inbox", columns: [], primaryKey: nil))
        let differences = SchemaDiff.diff(expected: ExpectedSchema.catalog, actual: SchemaCatalog(tables: tables))
        #expect(
            differences.map(\.description) == [
                "column Flow.metaFlowMetadata: type jsonb expected, got json",
                "primary key of Flow: Flow_pkey (id) expected, got none",
                "index Flow_metaFlowId_key on Flow: unique expected, got non-unique",
                "table Lead: missing",
                "column Message.status: NOT NULL expected, got nullable",
                "column Message.status: default 'Pending'::text expected, got none",
                "column Message.extra: not in the schema",
                "index Message_waMessageId_idx on Message: missing",
                "foreign key Message_sessionId_fkey on Message: ON DELETE SET NULL expected, got RESTRICT",
                "index Session_contactId_flowId_key on Session: columns (contactId, flowId) expected, got (flowId, contactId)",
                "foreign key Session_contactId_fkey on Session: missing",
                "foreign key Session_flowId_fkey on Session: missing",
                "table fcb_inbox: not in the schema",
            ])
    }

    @Test func malformedRowsAreRejected() {
        #expect(throws: SchemaCatalogError(row: 0, problem: "expected 8 columns, got 2")) { try SchemaCatalogQuery.catalog(rows: [["table", "A"]]) }
        #expect(throws: SchemaCatalogError(row: 0, problem: "table A was not listed first")) {
            try SchemaCatalogQuery.catalog(rows: [["column", "A", "id", "text", "true", nil, nil, nil]])
        }
        #expect(throws: SchemaCatalogError(row: 1, problem: "expected true or false, got yes")) {
            try SchemaCatalogQuery.catalog(rows: [["table", "A", nil, nil, nil, nil, nil, nil], ["column", "A", "id", "text", "yes", nil, nil, nil]])
        }
        #expect(throws: SchemaCatalogError(row: 1, problem: "column list is not a JSON array: id")) {
            try SchemaCatalogQuery.catalog(rows: [["table", "A", nil, nil, nil, nil, nil, nil], ["primaryKey", "A", "A_pkey", "id", nil, nil, nil, nil]])
        }
        #expect(throws: SchemaCatalogError(row: 1, problem: "unknown referential action x")) {
            try SchemaCatalogQuery.catalog(rows: [
                ["table", "A", nil, nil, nil, nil, nil, nil], ["foreignKey", "A", "A_b_fkey", "[\"b\"]", "public.B", "[\"id\"]", "c", "x"],
            ])
        }
        #expect(throws: SchemaCatalogError(row: 1, problem: "unknown kind view")) {
            try SchemaCatalogQuery.catalog(rows: [["table", "A", nil, nil, nil, nil, nil, nil], ["view", "A", "v", nil, nil, nil, nil, nil]])
        }
        #expect(SchemaCatalogError(row: 4, problem: "p").description == "schema catalog row 5: p")
    }

    /// The catalog query carries no values and reads only schema `public`.
    @Test func querySQLIsConstant() {
        #expect(!SchemaCatalogQuery.sql.contains("$"))
        #expect(SchemaCatalogQuery.sql.components(separatedBy: "n.nspname = 'public'").count - 1 == 5)
        #expect(SchemaCatalogQuery.sql.components(separatedBy: "<> '_prisma_migrations'").count - 1 == 5)
    }
}
