import Foundation

/// Reads one setting at a time through the loader's precedence, records what to show in the
/// effective configuration line, and collects problems instead of stopping at the first.
struct SettingReader {
    let loader: ServeConfigurationLoader
    var problems: [String] = []
    var shown: [ServeSetting: (value: String, source: ServeSettingSource)] = [:]

    init(loader: ServeConfigurationLoader) { self.loader = loader }

    /// Secrets are shown as `***` once they have a value; an unset one shows `none`.
    mutating func show(_ setting: ServeSetting, _ value: String, _ source: ServeSettingSource) {
        shown[setting] = (setting.isSecret && source != .defaultValue ? "***" : value, source)
    }

    mutating func reject(_ setting: ServeSetting, _ text: String, _ source: ServeSettingSource, _ expected: String) {
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

    /// A port that may be absent; `unsetLabel` is what the configuration line shows then.
    mutating func optionalPort(_ setting: ServeSetting, unsetLabel: String) -> Int? {
        guard let (text, source) = loader.lookup(setting) else {
            show(setting, unsetLabel, .defaultValue)
            return nil
        }
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), (0...65_535).contains(value) else {
            reject(setting, text, source, "expected a port number from 0 to 65535 (0 picks a free port)")
            return nil
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
}
