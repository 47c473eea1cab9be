import Foundation
import Testing

@testable import FlowEngine

@Suite("validate-flow reports")
struct ReportTests {
    let reports = [
        FileReport(
            path: "flows/a b.json",
            findings: [
                Finding(rule: "no-trigger", severity: .error, message: "no trigger", pointer: "/nodes", line: 2, column: 10, hint: "add one"),
                Finding(rule: "dead-end", severity: .warning, message: "dead end", pointer: "/nodes/0", line: 3, column: 5, nodeId: "m"),
                Finding(rule: "options-as-list", severity: .info, message: "as list", pointer: "/nodes/1/data/options", line: 4, column: 7, nodeId: "o"),
            ]),
        FileReport(path: "missing.json", readError: "no such file or directory"),
    ]

    @Test func textIsCompilerStyle() {
        #expect(
            TextReport(color: false).render(reports) == """
                flows/a b.json:2:10: error: no trigger [no-trigger]
                    at /nodes
                    hint: add one
                flows/a b.json:3:5: warning: dead end [dead-end]
                    at /nodes/0 (node 'm')
                flows/a b.json:4:7: note: as list [options-as-list]
                    at /nodes/1/data/options (node 'o')
                missing.json: error: no such file or directory
                2 files checked: 1 unreadable, 1 error, 1 warning, 1 note

                """)
        #expect(TextReport(color: false).render([FileReport(path: "x.json")]) == "1 file checked: no problems\n")
    }

    @Test func colourUsesANSIOnlyWhenAsked() {
        let coloured = TextReport(color: true).render(reports)
        #expect(coloured.contains("\u{1B}[1;31merror\u{1B}[0m"))
        #expect(coloured.contains("\u{1B}[1;33mwarning\u{1B}[0m"))
        #expect(coloured.contains("\u{1B}[1;36mnote\u{1B}[0m"))
        #expect(!TextReport(color: false).render(reports).contains("\u{1B}"))
    }

    @Test func jsonReport() throws {
        let text = JSONReport.render(reports, version: "9.9.9")
        let value = try JSONValue(parsing: text)
        #expect(value["summary"] == ["files": 2, "errors": 1, "warnings": 1, "infos": 1, "unreadable": 1])
        #expect(
            value["files"]?.arrayValue?[1] == [
                "path": "missing.json", "errors": 0, "warnings": 0, "infos": 0, "readError": "no such file or directory", "findings": [],
            ])
        #expect(
            value["files"]?.arrayValue?[0]["findings"]?.arrayValue?[1]
                == ["rule": "dead-end", "severity": "warning", "message": "dead end", "pointer": "/nodes/0", "line": 3, "column": 5, "nodeId": "m"])
    }

    /// The parts of SARIF 2.1.0 that GitHub code scanning requires.
    @Test func sarifHasWhatCodeScanningNeeds() throws {
        let value = try JSONValue(parsing: SARIFReport.render(reports, version: "9.9.9"))
        #expect(value["version"] == "2.1.0")
        #expect(value["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json")
        let run = try #require(value["runs"]?.arrayValue?.first)
        let driver = try #require(run["tool"]?["driver"])
        #expect(driver["name"] == "fcb")
        let rules = try #require(driver["rules"]?.arrayValue)
        #expect(rules.count == ValidationRule.all.count)
        #expect(rules.compactMap { $0["id"]?.stringValue } == ValidationRule.all.map(\.id))
        for rule in rules {
            #expect(rule["shortDescription"]?["text"]?.stringValue?.isEmpty == false)
            #expect(["error", "warning", "note"].contains(rule["defaultConfiguration"]?["level"]?.stringValue ?? ""))
        }
        let results = try #require(run["results"]?.arrayValue)
        #expect(results.count == 3)
        #expect(results.map { $0["level"] } == ["error", "warning", "note"])
        let first = results[0]
        #expect(first["ruleId"] == "no-trigger")
        #expect(first["ruleIndex"] == .number(Double(ValidationRule.all.firstIndex(of: .noTrigger) ?? -1)))
        #expect(first["message"]?["text"] == "no trigger (hint: add one)")
        let location = try #require(first["locations"]?.arrayValue?.first?["physicalLocation"])
        #expect(location["artifactLocation"]?["uri"] == "flows/a%20b.json")
        #expect(location["region"] == ["startLine": 2, "startColumn": 10])
        #expect(first["partialFingerprints"]?["fcbFinding/v1"]?.stringValue?.count == 16)
        let invocation = try #require(run["invocations"]?.arrayValue?.first)
        #expect(invocation["executionSuccessful"] == false)
        #expect(invocation["toolExecutionNotifications"]?.arrayValue?.first?["message"]?["text"] == "missing.json: no such file or directory")
        #expect(run["columnKind"] == "utf16CodeUnits")
    }

    @Test func exitCodes() {
        let warn = [FileReport(path: "a", findings: [Finding(rule: "dead-end", severity: .warning, message: "", pointer: "", line: 1, column: 1)])]
        #expect(ValidationSummary(warn).exitCode(strict: false) == 0)
        #expect(ValidationSummary(warn).exitCode(strict: true) == 1)
        #expect(ValidationSummary(warn).exitCode(strict: false, maxWarnings: 0) == 1)
        #expect(ValidationSummary(warn).exitCode(strict: false, maxWarnings: 1) == 0)
        #expect(ValidationSummary(reports).exitCode(strict: false) == 2)
        #expect(ValidationSummary([]).exitCode(strict: true) == 0)
    }
}

@Suite("example flows")
struct ExampleFlowTests {
    let directory = repositoryRoot.appendingPathComponent("examples/flows").path

    @Test func validExamplesHaveNoErrorsOrWarnings() throws {
        let files = FlowInputs.jsonFiles(under: directory).filter { !$0.contains("broken") }
        #expect(files.count >= 5)
        for report in FlowValidator().validate(FlowInputs.collect(files, readStandardInput: { [] })) {
            let problems = report.findings.filter { $0.severity != .info }
            #expect(problems.isEmpty, "\(report.path): \(problems.map { "\($0.rule) \($0.pointer) \($0.message)" })")
        }
    }

    @Test func brokenFlowShowsMostRules() throws {
        let reports = FlowValidator().validate(
            FlowInputs.collect([directory + "/broken-flow.json", directory + "/broken-no-trigger.json"], readStandardInput: { [] }))
        let seen = Set(reports.flatMap { $0.findings.map(\.rule) })
        let expected = Set(ValidationRule.all.map(\.id)).subtracting(["json-syntax", "trigger-shadowed", "extra-edge"])
        #expect(expected.subtracting(seen).isEmpty, "missing: \(expected.subtracting(seen).sorted())")
        for finding in reports.flatMap(\.findings) {
            #expect(finding.line >= 1 && finding.column >= 1)
            #expect(finding.pointer.isEmpty || finding.pointer.hasPrefix("/"))
        }
    }
}

@Suite("rule documentation")
struct RuleDocumentationTests {
    @Test func everyRuleIsDocumented() throws {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("docs/validate-flow.md"), encoding: .utf8)
        let headings = Set(text.split(separator: "\n").filter { $0.hasPrefix("### ") }.map { String($0.dropFirst(4)) })
        #expect(headings == Set(ValidationRule.all.map(\.id)))
    }
}
