package enum Severity: String, Sendable, Codable, Comparable, CaseIterable {
    case info
    case warning
    case error

    private var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .error: 2
        }
    }

    package static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// One problem found in a flow definition.
package struct Finding: Sendable, Equatable, Codable {
    package var rule: String
    package var severity: Severity
    package var message: String
    /// JSON pointer of the offending value, e.g. `/nodes/3/data/options/1`.
    package var pointer: String
    package var line: Int
    package var column: Int
    package var nodeId: String?
    package var hint: String?

    package init(
        rule: String, severity: Severity, message: String, pointer: String, line: Int, column: Int,
        nodeId: String? = nil, hint: String? = nil
    ) {
        self.rule = rule
        self.severity = severity
        self.message = message
        self.pointer = pointer
        self.line = line
        self.column = column
        self.nodeId = nodeId
        self.hint = hint
    }
}

/// The findings for one input (a file or standard input).
package struct FileReport: Sendable, Equatable {
    package var path: String
    package var findings: [Finding]
    /// Set when the input could not be read at all (exit status 2).
    package var readError: String?

    package init(path: String, findings: [Finding] = [], readError: String? = nil) {
        self.path = path
        self.findings = findings
        self.readError = readError
    }

    package func count(_ severity: Severity) -> Int { findings.filter { $0.severity == severity }.count }
}
