/// Machine-readable output: every finding with rule, severity, pointer and position.
package enum JSONReport {
    package static func render(_ reports: [FileReport], version: String) -> String {
        let summary = ValidationSummary(reports)
        let files: [JSONValue] = reports.map { report in
            var file: JSONObject = [
                "path": .string(report.path),
                "errors": .number(Double(report.count(.error))),
                "warnings": .number(Double(report.count(.warning))),
                "infos": .number(Double(report.count(.info))),
            ]
            if let readError = report.readError { file["readError"] = .string(readError) }
            file["findings"] = .array(report.findings.map(findingValue))
            return .object(file)
        }
        let document: JSONValue = [
            "tool": "fcb validate-flow",
            "version": .string(version),
            "files": .array(files),
            "summary": [
                "files": .number(Double(summary.files)),
                "errors": .number(Double(summary.errors)),
                "warnings": .number(Double(summary.warnings)),
                "infos": .number(Double(summary.infos)),
                "unreadable": .number(Double(summary.unreadable)),
            ],
        ]
        return document.serialized(indent: 2) + "\n"
    }

    static func findingValue(_ finding: Finding) -> JSONValue {
        var object: JSONObject = [
            "rule": .string(finding.rule),
            "severity": .string(finding.severity.rawValue),
            "message": .string(finding.message),
            "pointer": .string(finding.pointer),
            "line": .number(Double(finding.line)),
            "column": .number(Double(finding.column)),
        ]
        object["nodeId"] = finding.nodeId.map(JSONValue.string) ?? .null
        if let hint = finding.hint { object["hint"] = .string(hint) }
        return .object(object)
    }
}
