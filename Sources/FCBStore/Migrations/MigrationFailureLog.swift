import FlowEngine

/// The `logs` text of a failed migration, laid out as Prisma Migrate writes it: the P3018 message
/// (`ApplyMigrationError`), the database error with the failing line marked (`Position:`, with
/// the same ANSI bold/red codes), tokio-postgres's debug rendering of the error, then a trace
/// naming where it happened (fcb's, in the shape of Prisma's span trace).
package enum MigrationFailureLog {
    package static func render(migrationName: String, script: String, error: DatabaseErrorReport) -> String {
        let databaseError = summary(error) + positionBlock(script: script, position: error.position) + "\n\n" + debug(error)
        return render(migrationName: migrationName, databaseErrorCode: error.code, databaseError: databaseError)
    }

    /// For failures that are not a server error (connection lost…): Prisma then writes `none` as
    /// the code and the error's text.
    package static func render(migrationName: String, databaseErrorCode: String = "none", databaseError: String) -> String {
        "A migration failed to apply. New migrations cannot be applied before the error is recovered from. Read more about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve\n\n"
            + "Migration name: \(migrationName)\n\n"
            + "Database error code: \(databaseErrorCode)\n\n"
            + "Database error:\n\(databaseError)\n"
            + "\n"
            + "   0: fcb::migrate_deploy::apply_script\n"
            + "           with migration_name=\(rustDebug(migrationName))"
    }

    /// tokio-postgres's `Display` for `DbError`.
    static func summary(_ error: DatabaseErrorReport) -> String {
        var text = "\(error.severity): \(error.message)"
        if let detail = error.detail { text += "\nDETAIL: \(detail)" }
        if let hint = error.hint { text += "\nHINT: \(hint)" }
        return text
    }

    /// prisma-engines' excerpt around the error: up to five numbered lines before the failing
    /// one, which is printed bold red. Reproduces its arithmetic, including that it compares the
    /// server's character position with a byte count of lines split at LF (CR dropped).
    static func positionBlock(script: String, position: Int?) -> String {
        guard let position else { return "" }
        var previous = ["", "", "", "", ""]
        var byteIndex = 0
        for (index, line) in rustLines(script).enumerated() {
            let lineNumber = index + 1
            byteIndex += line.utf8.count + 1
            if position <= byteIndex {
                var numbered: [String] = []
                for (slot, text) in previous.enumerated() where lineNumber >= previous.count - slot {
                    let number = lineNumber - (previous.count - slot)
                    numbered.append("\u{1B}[1m\(rightAligned(number))\u{1B}[0m\(text.isEmpty ? "" : " ")\(text)")
                }
                return "\n\nPosition:\n\(numbered.joined(separator: "\n"))\n\u{1B}[1m\(rightAligned(lineNumber))\u{1B}[1;31m \(line)\u{1B}[0m"
            }
            previous = Array(previous.dropFirst()) + [line]
        }
        return ""
    }

    /// Rust's `Debug` for tokio-postgres's `DbError`.
    static func debug(_ error: DatabaseErrorReport) -> String {
        func optional(_ value: String?) -> String { value.map { "Some(\(rustDebug($0)))" } ?? "None" }
        let parsedSeverity = error.nonLocalizedSeverity.flatMap(severityVariant).map { "Some(\($0))" } ?? "None"
        let position: String
        if let original = error.position {
            position = "Some(Original(\(original)))"
        } else if let internalPosition = error.internalPosition, let query = error.internalQuery {
            position = "Some(Internal { position: \(internalPosition), query: \(rustDebug(query)) })"
        } else {
            position = "None"
        }
        let line = error.line.map { "Some(\($0))" } ?? "None"
        return "DbError { severity: \(rustDebug(error.severity)), parsed_severity: \(parsedSeverity), "
            + "code: SqlState(E\(error.code)), message: \(rustDebug(error.message)), detail: \(optional(error.detail)), "
            + "hint: \(optional(error.hint)), position: \(position), where_: \(optional(error.whereContext)), "
            + "schema: \(optional(error.schema)), table: \(optional(error.table)), column: \(optional(error.column)), "
            + "datatype: \(optional(error.dataType)), constraint: \(optional(error.constraint)), file: \(optional(error.file)), "
            + "line: \(line), routine: \(optional(error.routine)) }"
    }

    static func severityVariant(_ severity: String) -> String? {
        let variants = [
            "PANIC": "Panic", "FATAL": "Fatal", "ERROR": "Error", "WARNING": "Warning", "NOTICE": "Notice", "DEBUG": "Debug",
            "INFO": "Info", "LOG": "Log",
        ]
        return variants[severity]
    }

    /// Rust's `Debug` for a string: quoted, with quotes, backslashes and control characters escaped.
    static func rustDebug(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\0": out += "\\0"
            case "\u{01}"..."\u{1F}", "\u{7F}": out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Rust's `str::lines`: split at LF, drop one CR before it, no empty last line.
    static func rustLines(_ text: String) -> [String] {
        var lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var line = String(String.UnicodeScalarView(line))
            if line.unicodeScalars.last == "\r" { line.unicodeScalars.removeLast() }
            return line
        }
        if text.unicodeScalars.last == "\n" || text.isEmpty { lines.removeLast() }
        return lines
    }

    private static func rightAligned(_ number: Int) -> String {
        let digits = String(number)
        return digits.count >= 3 ? digits : String(repeating: " ", count: 3 - digits.count) + digits
    }
}
