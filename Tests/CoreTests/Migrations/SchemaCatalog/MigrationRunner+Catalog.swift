@testable import FCBStore
@testable import FlowEngine

/// The schema catalog is a test instrument: it compares what the migrations produce with what
/// fcb expects (docs/migrations.md).
extension MigrationRunner {
    /// The live `public` schema as the catalog describes it (for the comparison with the schema
    /// the migrations must produce).
    package func catalog() async throws(StoreError) -> SchemaCatalog {
        let rows = try await database.query(SQLQuery(unsafeSQL: SchemaCatalogQuery.sql)).map { row in
            (0..<SchemaCatalogQuery.columnCount).map { index in row.cells.indices.contains(index) ? row.cells[index].text : nil }
        }
        do {
            return try SchemaCatalogQuery.catalog(rows: rows)
        } catch {
            throw StoreError(.invalid, "unexpected catalog rows: \(error)")
        }
    }
}
