public enum Severity: String, Sendable, Codable, Comparable, CaseIterable {
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

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// One problem found in a flow definition.
public struct Finding: Sendable, Equatable, Codable {
    public var rule: String
    public var severity: Severity
    public var message: String
    /// JSON pointer of the offending value, e.g. `/nodes/3/data/options/1`.
    public var pointer: String
    public var line: Int
    public var column: Int
    public var nodeId: String?
    public var hint: String?

    public init(
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
public struct FileReport: Sendable, Equatable {
    public var path: String
    public var findings: [Finding]
    /// Set when the input could not be read at all (exit status 2).
    public var readError: String?

    public init(path: String, findings: [Finding] = [], readError: String? = nil) {
        self.path = path
        self.findings = findings
        self.readError = readError
    }

    public func count(_ severity: Severity) -> Int { findings.filter { $0.severity == severity }.count }
}
