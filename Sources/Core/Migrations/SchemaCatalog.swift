/// A description of the tables in PostgreSQL schema `public` (without `_prisma_migrations`), as
/// precise as Prisma's drift detection needs: column types as `format_type` prints them,
/// nullability, default expressions as PostgreSQL prints them, keys, indexes, foreign keys.
/// Column order is kept but never compared: `db push` and migrations append columns differently.
public struct SchemaCatalog: Sendable, Equatable {
    public var tables: [TableDescription]

    public init(tables: [TableDescription]) {
        self.tables = tables.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    }

    public subscript(table name: String) -> TableDescription? { tables.first { $0.name == name } }
}

public struct TableDescription: Sendable, Equatable {
    public var name: String
    public var columns: [ColumnDescription]
    public var primaryKey: PrimaryKeyDescription?
    public var indexes: [IndexDescription]
    public var foreignKeys: [ForeignKeyDescription]

    public init(
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

public struct ColumnDescription: Sendable, Equatable {
    public var name: String
    /// `format_type(atttypid, atttypmod)`: `text`, `timestamp(3) without time zone`, `jsonb`, `integer`.
    public var type: String
    public var isNotNull: Bool
    /// `pg_get_expr(adbin, adrelid)`: `'Draft'::text`, `CURRENT_TIMESTAMP`, `0`; nil for none.
    public var defaultExpression: String?

    public init(name: String, type: String, isNotNull: Bool, defaultExpression: String? = nil) {
        self.name = name
        self.type = type
        self.isNotNull = isNotNull
        self.defaultExpression = defaultExpression
    }
}

public struct PrimaryKeyDescription: Sendable, Equatable {
    public var name: String
    public var columns: [String]

    public init(name: String, columns: [String]) {
        self.name = name
        self.columns = columns
    }
}

/// A unique or plain index other than the primary key's.
public struct IndexDescription: Sendable, Equatable {
    public var name: String
    /// Key columns in order (expressions as `pg_get_indexdef` prints them).
    public var columns: [String]
    public var isUnique: Bool
    /// Access method: `btree` for everything Prisma creates by default.
    public var method: String
    /// A partial index's predicate; nil for none.
    public var predicate: String?

    public init(name: String, columns: [String], isUnique: Bool, method: String = "btree", predicate: String? = nil) {
        self.name = name
        self.columns = columns
        self.isUnique = isUnique
        self.method = method
        self.predicate = predicate
    }
}

public struct ForeignKeyDescription: Sendable, Equatable {
    public var name: String
    public var columns: [String]
    /// Schema-qualified: `public.User`.
    public var referencedTable: String
    public var referencedColumns: [String]
    public var onUpdate: ReferentialAction
    public var onDelete: ReferentialAction

    public init(
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
public enum ReferentialAction: String, Sendable, CaseIterable {
    case noAction = "a"
    case restrict = "r"
    case cascade = "c"
    case setNull = "n"
    case setDefault = "d"

    /// As written in SQL (`ON DELETE SET NULL`).
    public var sql: String {
        switch self {
        case .noAction: "NO ACTION"
        case .restrict: "RESTRICT"
        case .cascade: "CASCADE"
        case .setNull: "SET NULL"
        case .setDefault: "SET DEFAULT"
        }
    }
}
