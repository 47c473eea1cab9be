import Foundation

/// A parsed `.env` file (docs/configuration.md#env-syntax): `KEY=value` lines as the dashboard's
/// Node tooling writes them.
///
/// Syntax: blank lines and `#` comment lines are skipped; `export KEY=value` is accepted; an
/// unquoted value runs to the end of the line or to a `#` that starts a word (`a#b` keeps its
/// `#`), trimmed; `'single quotes'` are literal; `"double quotes"` understand `\n`, `\r`, `\t`,
/// `\"` and `\\` (any other backslash is kept as written); quoted values may span lines. CRLF line
/// ends and a leading byte-order mark are accepted. A later assignment wins. Anything else is an
/// error naming `file:line`.
package struct DotEnvFile: Sendable, Equatable {
    package struct Entry: Sendable, Equatable {
        package let key: String
        package let value: String
        package let line: Int
    }

    package let path: String
    package let entries: [Entry]

    package init(path: String, entries: [Entry]) {
        self.path = path
        self.entries = entries
    }

    /// The last value assigned to `key`.
    package subscript(key: String) -> String? { entries.last { $0.key == key }?.value }

    /// Reads and parses `path`; nil when the file does not exist.
    package static func load(path: String) throws(ServeConfigurationError) -> DotEnvFile? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ServeConfigurationError("\(path): cannot read the file (check its permissions)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ServeConfigurationError("\(path): the file is not valid UTF-8")
        }
        return try parse(text, path: path)
    }

    package static func parse(_ text: String, path: String) throws(ServeConfigurationError) -> DotEnvFile {
        var parser = DotEnvParser(text: text)
        do {
            return DotEnvFile(path: path, entries: try parser.parseAll())
        } catch {
            throw ServeConfigurationError("\(path):\(error.line): \(error.message)")
        }
    }
}
