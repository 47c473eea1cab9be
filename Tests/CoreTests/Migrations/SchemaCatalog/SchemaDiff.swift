@testable import FCBStore

/// One way the database's `public` schema differs from the expected one.
package struct SchemaDifference: Sendable, Equatable, CustomStringConvertible {
    /// What differs: `table Lead`, `column Message.status`, `index Message_waMessageId_idx on Message`…
    package let subject: String
    /// How: `missing`, `not in the schema`, `default 'Pending'::text expected, got none`…
    package let problem: String

    package init(_ subject: String, _ problem: String) {
        self.subject = subject
        self.problem = problem
    }

    package var description: String { "\(subject): \(problem)" }
}

/// Compares two catalogs the way drift matters to Prisma: by name, ignoring column order.
package enum SchemaDiff {
    package static func diff(expected: SchemaCatalog, actual: SchemaCatalog) -> [SchemaDifference] {
        var differences: [SchemaDifference] = []
        for table in expected.tables {
            guard let other = actual[table: table.name] else {
                differences.append(SchemaDifference("table \(table.name)", "missing"))
                continue
            }
            differences += diff(table, other)
        }
        for table in actual.tables where expected[table: table.name] == nil {
            differences.append(SchemaDifference("table \(table.name)", "not in the schema"))
        }
        return differences
    }

    static func diff(_ expected: TableDescription, _ actual: TableDescription) -> [SchemaDifference] {
        var differences: [SchemaDifference] = []
        let table = expected.name
        differences += matchByName(expected.columns, actual.columns, \.name, subject: { "column \(table).\($0)" }) { want, got in
            var problems: [String] = []
            if want.type != got.type { problems.append("type \(want.type) expected, got \(got.type)") }
            if want.isNotNull != got.isNotNull {
                problems.append(want.isNotNull ? "NOT NULL expected, got nullable" : "nullable expected, got NOT NULL")
            }
            if want.defaultExpression != got.defaultExpression {
                problems.append("default \(want.defaultExpression ?? "none") expected, got \(got.defaultExpression ?? "none")")
            }
            return problems
        }
        switch (expected.primaryKey, actual.primaryKey) {
        case (nil, nil): break
        case (let want?, nil):
            differences.append(SchemaDifference("primary key of \(table)", "\(want.name) \(list(want.columns)) expected, got none"))
        case (nil, let got?):
            differences.append(SchemaDifference("primary key of \(table)", "none expected, got \(got.name) \(list(got.columns))"))
        case (let want?, let got?) where want != got:
            differences.append(
                SchemaDifference("primary key of \(table)", "\(want.name) \(list(want.columns)) expected, got \(got.name) \(list(got.columns))"))
        default: break
        }
        differences += matchByName(expected.indexes, actual.indexes, \.name, subject: { "index \($0) on \(table)" }) { want, got in
            var problems: [String] = []
            if want.columns != got.columns { problems.append("columns \(list(want.columns)) expected, got \(list(got.columns))") }
            if want.isUnique != got.isUnique { problems.append(want.isUnique ? "unique expected, got non-unique" : "non-unique expected, got unique") }
            if want.method != got.method { problems.append("method \(want.method) expected, got \(got.method)") }
            if want.predicate != got.predicate {
                problems.append("predicate \(want.predicate ?? "none") expected, got \(got.predicate ?? "none")")
            }
            return problems
        }
        differences += matchByName(expected.foreignKeys, actual.foreignKeys, \.name, subject: { "foreign key \($0) on \(table)" }) {
            want, got in
            var problems: [String] = []
            if want.columns != got.columns { problems.append("columns \(list(want.columns)) expected, got \(list(got.columns))") }
            if want.referencedTable != got.referencedTable || want.referencedColumns != got.referencedColumns {
                problems.append(
                    "references \(want.referencedTable)\(list(want.referencedColumns)) expected, got \(got.referencedTable)\(list(got.referencedColumns))"
                )
            }
            if want.onDelete != got.onDelete { problems.append("ON DELETE \(want.onDelete.sql) expected, got \(got.onDelete.sql)") }
            if want.onUpdate != got.onUpdate { problems.append("ON UPDATE \(want.onUpdate.sql) expected, got \(got.onUpdate.sql)") }
            return problems
        }
        return differences
    }

    /// Pairs items by name: missing ones, compared ones (each problem its own difference), then
    /// unexpected ones, in the expected order followed by the actual order.
    private static func matchByName<Item>(
        _ expected: [Item], _ actual: [Item], _ name: KeyPath<Item, String>, subject: (String) -> String,
        compare: (Item, Item) -> [String]
    ) -> [SchemaDifference] {
        var differences: [SchemaDifference] = []
        for want in expected {
            let itemName = want[keyPath: name]
            guard let got = actual.first(where: { $0[keyPath: name] == itemName }) else {
                differences.append(SchemaDifference(subject(itemName), "missing"))
                continue
            }
            differences += compare(want, got).map { SchemaDifference(subject(itemName), $0) }
        }
        for got in actual where !expected.contains(where: { $0[keyPath: name] == got[keyPath: name] }) {
            differences.append(SchemaDifference(subject(got[keyPath: name]), "not in the schema"))
        }
        return differences
    }

    private static func list(_ columns: [String]) -> String { "(" + columns.joined(separator: ", ") + ")" }
}
