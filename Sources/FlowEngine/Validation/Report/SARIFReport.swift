/// SARIF 2.1.0 output for GitHub code scanning and other SARIF viewers.
package enum SARIFReport {
    package static let informationURI = "https://github.com/finnegans/fcb/blob/main/docs/validate-flow.md"

    package static func render(_ reports: [FileReport], version: String) -> String {
        let rules = ValidationRule.all
        let ruleIndex = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($0.element.id, $0.offset) })
        var results: [JSONValue] = []
        var notifications: [JSONValue] = []
        for report in reports {
            if let readError = report.readError {
                notifications.append([
                    "level": "error",
                    "message": ["text": .string("\(report.path): \(readError)")],
                    "locations": [["physicalLocation": ["artifactLocation": ["uri": .string(uri(report.path))]]]],
                ])
                continue
            }
            for finding in report.findings {
                var result: JSONObject = [
                    "ruleId": .string(finding.rule),
                    "level": .string(level(finding.severity)),
                    "message": ["text": .string(finding.hint.map { "\(finding.message) (hint: \($0))" } ?? finding.message)],
                    "locations": [
                        [
                            "physicalLocation": [
                                "artifactLocation": ["uri": .string(uri(report.path)), "uriBaseId": "%SRCROOT%"],
                                "region": ["startLine": .number(Double(finding.line)), "startColumn": .number(Double(finding.column))],
                            ],
                            "logicalLocations": [
                                [
                                    "fullyQualifiedName": .string(finding.pointer.isEmpty ? "/" : finding.pointer),
                                    "kind": "element",
                                ]
                            ],
                        ]
                    ],
                    "partialFingerprints": ["fcbFinding/v1": .string(fingerprint(report.path, finding))],
                ]
                if let index = ruleIndex[finding.rule] { result["ruleIndex"] = .number(Double(index)) }
                if let node = finding.nodeId { result["properties"] = ["nodeId": .string(node)] }
                results.append(.object(result))
            }
        }
        let driverRules: [JSONValue] = rules.map { rule in
            [
                "id": .string(rule.id),
                "name": .string(pascalCase(rule.id)),
                "shortDescription": ["text": .string(rule.summary)],
                "fullDescription": ["text": .string(rule.summary)],
                "helpUri": .string(informationURI + "#" + rule.id),
                "defaultConfiguration": ["level": .string(level(rule.severity))],
            ]
        }
        let document: JSONValue = [
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [
                [
                    "tool": [
                        "driver": [
                            "name": "fcb",
                            "fullName": "fcb validate-flow",
                            "version": .string(version),
                            "semanticVersion": .string(version),
                            "informationUri": .string(informationURI),
                            "rules": .array(driverRules),
                        ]
                    ],
                    "invocations": [
                        [
                            "executionSuccessful": .bool(notifications.isEmpty),
                            "toolExecutionNotifications": .array(notifications),
                        ]
                    ],
                    "columnKind": "utf16CodeUnits",
                    "results": .array(results),
                ]
            ],
        ]
        return document.serialized(indent: 2) + "\n"
    }

    static func level(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .info: "note"
        }
    }

    /// A relative URI reference for a path (forward slashes, RFC 3986 escaping).
    static func uri(_ path: String) -> String {
        var p = path
        while p.hasPrefix("./") { p.removeFirst(2) }
        var out = ""
        for byte in p.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if c.isASCII && (c.isLetter || c.isNumber || "-._~/:@!$&'()*+,;=".contains(c)) {
                out.append(c)
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }

    static func pascalCase(_ id: String) -> String {
        id.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// Stable across line moves: file, rule and pointer (FNV-1a, hex).
    static func fingerprint(_ path: String, _ finding: Finding) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "\(uri(path))|\(finding.rule)|\(finding.pointer)|\(finding.message)".utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
