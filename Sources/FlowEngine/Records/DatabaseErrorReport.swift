/// A PostgreSQL error as the server reports it (the fields of an ErrorResponse message), for the
/// failure logs. postgres-nio's `PSQLError.serverInfo` carries all of them.
package struct DatabaseErrorReport: Sendable, Equatable {
    /// Field S: possibly localized (`ERREUR`).
    package var severity: String
    /// Field V: never localized (`ERROR`); absent before PostgreSQL 9.6.
    package var nonLocalizedSeverity: String?
    /// Field C: the SQLSTATE (`42P07`).
    package var code: String
    package var message: String
    package var detail: String?
    package var hint: String?
    /// Field P, made relative to the whole script: 1-based, in characters. When the script runs
    /// statement by statement, convert with `SQLStatement.scriptPosition`.
    package var position: Int?
    /// Fields p and q: a position in an internally generated query.
    package var internalPosition: Int?
    package var internalQuery: String?
    /// Field W.
    package var whereContext: String?
    package var schema: String?
    package var table: String?
    package var column: String?
    package var dataType: String?
    package var constraint: String?
    package var file: String?
    package var line: Int?
    package var routine: String?

    package init(
        severity: String, nonLocalizedSeverity: String? = nil, code: String, message: String, detail: String? = nil,
        hint: String? = nil, position: Int? = nil, internalPosition: Int? = nil, internalQuery: String? = nil,
        whereContext: String? = nil, schema: String? = nil, table: String? = nil, column: String? = nil,
        dataType: String? = nil, constraint: String? = nil, file: String? = nil, line: Int? = nil, routine: String? = nil
    ) {
        self.severity = severity
        self.nonLocalizedSeverity = nonLocalizedSeverity
        self.code = code
        self.message = message
        self.detail = detail
        self.hint = hint
        self.position = position
        self.internalPosition = internalPosition
        self.internalQuery = internalQuery
        self.whereContext = whereContext
        self.schema = schema
        self.table = table
        self.column = column
        self.dataType = dataType
        self.constraint = constraint
        self.file = file
        self.line = line
        self.routine = routine
    }
}
