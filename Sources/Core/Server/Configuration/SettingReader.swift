import Foundation

/// Reads one setting at a time through the loader's precedence, records what to show in the
/// effective configuration line, and collects problems instead of stopping at the first.
struct SettingReader {
    let loader: ServeConfigurationLoader
    var problems: [String] = []
    var shown: [ServeSetting: (value: String, source: ServeSettingSource)] = [:]

    init(loader: ServeConfigurationLoader) { self.loader = loader }

    /// Secrets are shown as `***` once they have a value; an unset one shows `none`.
    private mutating func show(_ setting: ServeSetting, _ value: String, _ source: ServeSettingSource) {
        shown[setting] = (setting.isSecret && source != .defaultValue ? "***" : value, source)
    }

    private mutating func reject(_ setting: ServeSetting, _ text: String, _ source: ServeSettingSource, _ expected: String) {
        problems.append("invalid \(source.describe(setting)) \"\(text.prefix(80))\": \(expected)")
    }

    mutating func optionalText(_ setting: ServeSetting) -> String? {
        guard let (text, source) = loader.lookup(setting) else {
            show(setting, "none", .defaultValue)
            return nil
        }
        if text.isEmpty { reject(setting, text, source, "must not be empty") }
        show(setting, text, source)
        return text.isEmpty ? nil : text
    }

    mutating func text(_ setting: ServeSetting, default fallback: String) -> String {
        guard let (text, source) = loader.lookup(setting), !text.isEmpty else {
            show(setting, fallback, .defaultValue)
            return fallback
        }
        show(setting, text, source)
        return text
    }

    mutating func integer(_ setting: ServeSetting, default fallback: Int, in range: ClosedRange<Int>, unit: String) -> Int {
        guard let (text, source) = loader.lookup(setting) else {
            show(setting, String(fallback), .defaultValue)
            return fallback
        }
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
            reject(setting, text, source, "expected a whole number of \(unit) from \(range.lowerBound) to \(range.upperBound)")
            return fallback
        }
        show(setting, String(value), source)
        return value
    }

    mutating func port(_ setting: ServeSetting, default fallback: Int) -> Int {
        guard let (text, source) = loader.lookup(setting) else {
            show(setting, String(fallback), .defaultValue)
            return fallback
        }
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), (0...65_535).contains(value) else {
            reject(setting, text, source, "expected a port number from 0 to 65535 (0 picks a free port)")
            return fallback
        }
        show(setting, String(value), source)
        return value
    }

    mutating func choice<Value>(_ setting: ServeSetting, default fallback: (name: String, value: Value), names: [(String, Value)]) -> Value {
        guard let (text, source) = loader.lookup(setting) else {
            show(setting, fallback.name, .defaultValue)
            return fallback.value
        }
        let lower = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let match = names.first(where: { $0.0 == lower }) else {
            reject(setting, text, source, "expected one of " + names.map(\.0).joined(separator: ", "))
            return fallback.value
        }
        show(setting, match.0, source)
        return match.1
    }

    mutating func databaseURL() -> DatabaseURL {
        guard let (text, source) = loader.lookup(.databaseURL) else {
            show(.databaseURL, DatabaseURL.embeddedDefault.redactedDescription, .defaultValue)
            return .embeddedDefault
        }
        do {
            let url = try DatabaseURL(parsing: text)
            show(.databaseURL, Self.redactedDatabaseURL(text), source)
            return url
        } catch {
            problems.append("invalid \(source.describe(.databaseURL)): \(error.message)")
            return .embeddedDefault
        }
    }

    /// The URL as written, with the password (userinfo or `password=` option) replaced by `***`.
    static func redactedDatabaseURL(_ text: String) -> String {
        let trimmed = DatabaseURL.redacted(text.trimmingCharacters(in: .whitespaces))
        guard let question = trimmed.firstIndex(of: "?") else { return trimmed }
        let options = trimmed[trimmed.index(after: question)...].split(separator: "&", omittingEmptySubsequences: false).map { option in
            option.lowercased().hasPrefix("password=") ? "\(option.prefix(9))***" : String(option)
        }
        return String(trimmed[...question]) + options.joined(separator: "&")
    }

    mutating func host() -> String {
        let fallback = "127.0.0.1"
        guard let (text, source) = loader.lookup(.host) else {
            show(.host, fallback, .defaultValue)
            return fallback
        }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: ".-:_%[]"))
        guard !text.isEmpty, text.unicodeScalars.allSatisfy({ $0.isASCII && allowed.contains($0) }) else {
            reject(.host, text, source, "expected an IP address or host name (e.g. 127.0.0.1, 0.0.0.0, ::1)")
            return fallback
        }
        let host = text.hasPrefix("[") && text.hasSuffix("]") ? String(text.dropFirst().dropLast()) : text
        show(.host, host, source)
        return host
    }

    mutating func frontendURLs() -> [String] {
        let fallback = ["http://localhost:3000"]
        guard let (text, source) = loader.lookup(.frontendURL) else {
            show(.frontendURL, fallback.joined(separator: ","), .defaultValue)
            return fallback
        }
        let origins = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let bad = origins.filter { $0 != "*" && !Self.isHTTPURL($0) }
        guard !origins.isEmpty, bad.isEmpty else {
            reject(.frontendURL, text, source, "expected comma-separated origins like https://dashboard.example.com (or *)")
            return fallback
        }
        show(.frontendURL, origins.joined(separator: ","), source)
        return origins
    }

    mutating func graphURL() -> String {
        let fallback = "https://graph.facebook.com"
        guard let (text, source) = loader.lookup(.metaGraphURL) else {
            show(.metaGraphURL, fallback, .defaultValue)
            return fallback
        }
        var url = text.trimmingCharacters(in: .whitespaces)
        while url.hasSuffix("/") { url.removeLast() }
        guard Self.isHTTPURL(url) else {
            reject(.metaGraphURL, text, source, "expected an http:// or https:// URL such as https://graph.facebook.com")
            return fallback
        }
        show(.metaGraphURL, url, source)
        return url
    }

    mutating func graphVersion() -> String {
        let fallback = "v23.0"
        guard let (text, source) = loader.lookup(.metaGraphAPIVersion) else {
            show(.metaGraphAPIVersion, fallback, .defaultValue)
            return fallback
        }
        let parts = text.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
        guard text.hasPrefix("v"), (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else {
            reject(.metaGraphAPIVersion, text, source, "expected a Graph API version like v23.0")
            return fallback
        }
        show(.metaGraphAPIVersion, text, source)
        return text
    }

    static func isHTTPURL(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else { return false }
        return !(url.host ?? "").isEmpty
    }
}
