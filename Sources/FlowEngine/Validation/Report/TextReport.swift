/// Compiler-style output: `file:line:col: error: message [rule]`, optionally coloured.
package struct TextReport: Sendable {
    package var color: Bool

    package init(color: Bool) { self.color = color }

    package func render(_ reports: [FileReport]) -> String {
        var out = ""
        for report in reports {
            if let readError = report.readError {
                out += "\(bold(report.path)): \(paint("error", .red)): \(readError)\n"
                continue
            }
            for finding in report.findings {
                let label = paint(finding.severity == .info ? "note" : finding.severity.rawValue, finding.severity.colour)
                out += "\(bold("\(report.path):\(finding.line):\(finding.column)")): \(label): \(finding.message) \(dim("[\(finding.rule)]"))\n"
                var context = "    at \(finding.pointer.isEmpty ? "/" : finding.pointer)"
                if let node = finding.nodeId { context += " (node '\(node)')" }
                out += dim(context) + "\n"
                if let hint = finding.hint { out += "    hint: \(hint)\n" }
            }
        }
        out += summaryLine(ValidationSummary(reports)) + "\n"
        return out
    }

    private func summaryLine(_ s: ValidationSummary) -> String {
        let files = "\(s.files) \(s.files == 1 ? "file" : "files") checked"
        if s.errors == 0 && s.warnings == 0 && s.infos == 0 && s.unreadable == 0 {
            return paint("\(files): no problems", .green)
        }
        var parts: [String] = []
        if s.unreadable > 0 { parts.append("\(s.unreadable) unreadable") }
        parts.append(plural(s.errors, "error"))
        parts.append(plural(s.warnings, "warning"))
        parts.append(plural(s.infos, "note"))
        return "\(files): " + parts.joined(separator: ", ")
    }

    private func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }

    enum Colour: String {
        case red = "31"
        case yellow = "33"
        case cyan = "36"
        case green = "32"
    }

    private func paint(_ text: String, _ colour: Colour) -> String {
        color ? "\u{1B}[1;\(colour.rawValue)m\(text)\u{1B}[0m" : text
    }

    private func bold(_ text: String) -> String { color ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    private func dim(_ text: String) -> String { color ? "\u{1B}[2m\(text)\u{1B}[0m" : text }
}

extension Severity {
    fileprivate var colour: TextReport.Colour {
        switch self {
        case .error: .red
        case .warning: .yellow
        case .info: .cyan
        }
    }
}
