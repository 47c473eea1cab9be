import FlowEngine

@testable import FCBStore

/// Reads a `SchemaCatalog` from PostgreSQL: run `sql` (no parameters), hand every row's eight
/// columns as strings to `catalog(rows:)`.
///
/// Row layout, one row per object, columns `kind, table_name, object_name, detail1 … detail5`
/// (all text, NULL where unused):
/// - `table`: table name only.
/// - `column`: column name; type (`format_type`); NOT NULL (`true`/`false`); default expression.
/// - `primaryKey`: constraint name; key columns as a JSON array.
/// - `index` (primary-key indexes excluded): index name; key columns as a JSON array; unique
///   (`true`/`false`); access method; partial-index predicate.
/// - `foreignKey`: constraint name; columns (JSON array); referenced `schema.table`; referenced
///   columns (JSON array); `confupdtype`; `confdeltype`.
package enum SchemaCatalogQuery {
    package static let columnCount = 8

    package static let sql = """
        SELECT kind, table_name, object_name, detail1, detail2, detail3, detail4, detail5
        FROM (
            SELECT 1 AS kind_order, 'table'::text AS kind, c.relname::text AS table_name, NULL::text AS object_name,
                   NULL::text AS detail1, NULL::text AS detail2, NULL::text AS detail3, NULL::text AS detail4,
                   NULL::text AS detail5
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> '_prisma_migrations'
            UNION ALL
            SELECT 2, 'column', c.relname::text, a.attname::text,
                   pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull::text,
                   pg_catalog.pg_get_expr(d.adbin, d.adrelid), NULL, NULL
            FROM pg_catalog.pg_attribute a
            JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> '_prisma_migrations'
              AND a.attnum > 0 AND NOT a.attisdropped
            UNION ALL
            SELECT 3, 'primaryKey', c.relname::text, k.conname::text,
                   (SELECT pg_catalog.json_agg(a.attname ORDER BY u.ord)::text
                      FROM pg_catalog.unnest(k.conkey) WITH ORDINALITY AS u(attnum, ord)
                      JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum),
                   NULL, NULL, NULL, NULL
            FROM pg_catalog.pg_constraint k
            JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND k.contype = 'p' AND c.relname <> '_prisma_migrations'
            UNION ALL
            SELECT 4, 'index', t.relname::text, i.relname::text,
                   (SELECT pg_catalog.json_agg(CASE WHEN u.attnum = 0
                                                    THEN pg_catalog.pg_get_indexdef(x.indexrelid, u.ord::int, true)
                                                    ELSE a.attname::text END ORDER BY u.ord)::text
                      FROM pg_catalog.unnest(x.indkey::int2[]) WITH ORDINALITY AS u(attnum, ord)
                      LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = u.attnum
                      WHERE u.ord <= x.indnkeyatts),
                   x.indisunique::text, am.amname::text, pg_catalog.pg_get_expr(x.indpred, x.indrelid), NULL
            FROM pg_catalog.pg_index x
            JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
            JOIN pg_catalog.pg_class t ON t.oid = x.indrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
            JOIN pg_catalog.pg_am am ON am.oid = i.relam
            WHERE n.nspname = 'public' AND NOT x.indisprimary AND t.relname <> '_prisma_migrations'
            UNION ALL
            SELECT 5, 'foreignKey', c.relname::text, k.conname::text,
                   (SELECT pg_catalog.json_agg(a.attname ORDER BY u.ord)::text
                      FROM pg_catalog.unnest(k.conkey) WITH ORDINALITY AS u(attnum, ord)
                      JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum),
                   fn.nspname::text || '.' || f.relname::text,
                   (SELECT pg_catalog.json_agg(a.attname ORDER BY u.ord)::text
                      FROM pg_catalog.unnest(k.confkey) WITH ORDINALITY AS u(attnum, ord)
                      JOIN pg_catalog.pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.attnum),
                   k.confupdtype::text, k.confdeltype::text
            FROM pg_catalog.pg_constraint k
            JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_catalog.pg_class f ON f.oid = k.confrelid
            JOIN pg_catalog.pg_namespace fn ON fn.oid = f.relnamespace
            WHERE n.nspname = 'public' AND k.contype = 'f' AND c.relname <> '_prisma_migrations'
        ) AS catalog
        ORDER BY kind_order, table_name COLLATE "C", object_name COLLATE "C" NULLS FIRST
        """

    /// Builds the catalog from the query's rows.
    package static func catalog(rows: [[String?]]) throws(SchemaCatalogError) -> SchemaCatalog {
        var builders: [String: TableDescription] = [:]
        func table(_ name: String, row: Int) throws(SchemaCatalogError) -> TableDescription {
            guard let table = builders[name] else { throw SchemaCatalogError(row: row, problem: "table \(name) was not listed first") }
            return table
        }
        for (index, row) in rows.enumerated() {
            guard row.count == columnCount else {
                throw SchemaCatalogError(row: index, problem: "expected \(columnCount) columns, got \(row.count)")
            }
            guard let kind = row[0], let tableName = row[1] else { throw SchemaCatalogError(row: index, problem: "kind or table is NULL") }
            if kind == "table" {
                builders[tableName] = TableDescription(name: tableName, columns: [], primaryKey: nil)
                continue
            }
            var current = try table(tableName, row: index)
            let name = try required(row[2], "object name", row: index)
            switch kind {
            case "column":
                current.columns.append(
                    ColumnDescription(
                        name: name, type: try required(row[3], "type", row: index), isNotNull: try bool(row[4], row: index),
                        defaultExpression: row[5]))
            case "primaryKey":
                current.primaryKey = PrimaryKeyDescription(name: name, columns: try names(row[3], row: index))
            case "index":
                current.indexes.append(
                    IndexDescription(
                        name: name, columns: try names(row[3], row: index), isUnique: try bool(row[4], row: index),
                        method: try required(row[5], "access method", row: index), predicate: row[6]))
            case "foreignKey":
                current.foreignKeys.append(
                    ForeignKeyDescription(
                        name: name, columns: try names(row[3], row: index),
                        referencedTable: try required(row[4], "referenced table", row: index),
                        referencedColumns: try names(row[5], row: index), onUpdate: try action(row[6], row: index),
                        onDelete: try action(row[7], row: index)))
            default:
                throw SchemaCatalogError(row: index, problem: "unknown kind \(kind)")
            }
            builders[tableName] = current
        }
        return SchemaCatalog(tables: Array(builders.values))
    }

    private static func required(_ value: String?, _ what: String, row: Int) throws(SchemaCatalogError) -> String {
        guard let value else { throw SchemaCatalogError(row: row, problem: "\(what) is NULL") }
        return value
    }

    private static func bool(_ value: String?, row: Int) throws(SchemaCatalogError) -> Bool {
        switch value {
        case "true", "t": return true
        case "false", "f": return false
        default: throw SchemaCatalogError(row: row, problem: "expected true or false, got \(value ?? "NULL")")
        }
    }

    private static func action(_ value: String?, row: Int) throws(SchemaCatalogError) -> ReferentialAction {
        guard let value, let action = ReferentialAction(rawValue: value) else {
            throw SchemaCatalogError(row: row, problem: "unknown referential action \(value ?? "NULL")")
        }
        return action
    }

    /// A JSON array of strings, as `json_agg(...)::text` prints it.
    private static func names(_ value: String?, row: Int) throws(SchemaCatalogError) -> [String] {
        let text = try required(value, "column list", row: row)
        guard let parsed = try? JSONValue(parsing: text), let items = parsed.arrayValue else {
            throw SchemaCatalogError(row: row, problem: "column list is not a JSON array: \(text)")
        }
        var names: [String] = []
        for item in items {
            guard let name = item.stringValue else { throw SchemaCatalogError(row: row, problem: "column list has a non-string: \(text)") }
            names.append(name)
        }
        return names
    }
}

package struct SchemaCatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 0-based row index.
    package let row: Int
    package let problem: String

    package var description: String { "schema catalog row \(row + 1): \(problem)" }
}
