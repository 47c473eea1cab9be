@testable import FCBStore

/// A description of the tables in PostgreSQL schema `public` (without `_prisma_migrations`), as
/// precise as Prisma's drift detection needs: column types as `format_type` prints them,
/// nullability, default expressions as PostgreSQL prints them, keys, indexes, foreign keys.
/// Column order is kept but never compared: `db push` and migrations append columns differently.
package struct SchemaCatalog: Sendable, Equatable {
    package var tables: [TableDescription]

    package init(tables: [TableDescription]) {
        self.tables = tables.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    }

    package subscript(table name: String) -> TableDescription? { tables.first { $0.name == name } }
}

package struct TableDescription: Sendable, Equatable {
    package var name: String
    package var columns: [ColumnDescription]
    package var primaryKey: PrimaryKeyDescription?
    package var indexes: [IndexDescription]
    package var foreignKeys: [ForeignKeyDescription]

    package init(
        name: String, columns: [ColumnDescription], primaryKey: PrimaryKeyDescription?, indexes: [IndexDescription] = [],
        foreignKeys: [ForeignKeyDescription] = []
    ) {
        self.name = name
        self.columns = columns
        self.primaryKey = primaryKey
        self.indexes = indexes
        self.foreignKeys = foreignKeys
    }
}

package struct ColumnDescription: Sendable, Equatable {
    package var name: String
    /// `format_type(atttypid, atttypmod)`: `text`, `timestamp(3) without time zone`, `jsonb`, `integer`.
    package var type: String
    package var isNotNull: Bool
    /// `pg_get_expr(adbin, adrelid)`: `'Draft'::text`, `CURRENT_TIMESTAMP`, `0`; nil for none.
    package var defaultExpression: String?

    package init(name: String, type: String, isNotNull: Bool, defaultExpression: String? = nil) {
        self.name = name
        self.type = type
        self.isNotNull = isNotNull
        self.defaultExpression = defaultExpression
    }
}

package struct PrimaryKeyDescription: Sendable, Equatable {
    package var name: String
    package var columns: [String]

    package init(name: String, columns: [String]) {
        self.name = name
        self.columns = columns
    }
}

/// A unique or plain index other than the primary key's.
package struct IndexDescription: Sendable, Equatable {
    package var name: String
    /// Key columns in order (expressions as `pg_get_indexdef` prints them).
    package var columns: [String]
    package var isUnique: Bool
    /// Access method: `btree` for everything Prisma creates by default.
    package var method: String
    /// A partial index's predicate; nil for none.
    package var predicate: String?

    package init(name: String, columns: [String], isUnique: Bool, method: String = "btree", predicate: String? = nil) {
        self.name = name
        self.columns = columns
        self.isUnique = isUnique
        self.method = method
        self.predicate = predicate
    }
}

package struct ForeignKeyDescription: Sendable, Equatable {
    package var name: String
    package var columns: [String]
    /// Schema-qualified: `public.User`.
    package var referencedTable: String
    package var referencedColumns: [String]
    package var onUpdate: ReferentialAction
    package var onDelete: ReferentialAction

    package init(
        name: String, columns: [String], referencedTable: String, referencedColumns: [String], onUpdate: ReferentialAction,
        onDelete: ReferentialAction
    ) {
        self.name = name
        self.columns = columns
        self.referencedTable = referencedTable
        self.referencedColumns = referencedColumns
        self.onUpdate = onUpdate
        self.onDelete = onDelete
    }
}

/// `pg_constraint.confupdtype` / `confdeltype` codes.
package enum ReferentialAction: String, Sendable, CaseIterable {
    case noAction = "a"
    case restrict = "r"
    case cascade = "c"
    case setNull = "n"
    case setDefault = "d"

    /// As written in SQL (`ON DELETE SET NULL`).
    package var sql: String {
        switch self {
        case .noAction: "NO ACTION"
        case .restrict: "RESTRICT"
        case .cascade: "CASCADE"
        case .setNull: "SET NULL"
        case .setDefault: "SET DEFAULT"
        }
    }
}
