import Foundation
import Logging

/// One JSON object per line: `timestamp` (ISO-8601 UTC, milliseconds), `level`, `label`,
/// `message`, then the metadata flattened (`{"a":{"b":1}}` → `"a.b"`; a key that would hide one
/// of the four fixed fields is written as `metadata.<key>`). `Int` and `Double` values given as
/// `.stringConvertible` are JSON numbers, everything else a string.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public let label: String
    private let write: @Sendable (String) -> Void
    private let now: @Sendable () -> Date

    /// - Parameter write: receives each line, newline included (default: standard error).
    public init(
        label: String, level: Logger.Level = .info, metadataProvider: Logger.MetadataProvider? = nil,
        now: @escaping @Sendable () -> Date = { Date() }, write: @escaping @Sendable (String) -> Void = LogLineWriter.standardError.write
    ) {
        self.label = label
        self.logLevel = level
        self.metadataProvider = metadataProvider
        self.now = now
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let explicit = event.metadata { merged.merge(explicit) { $1 } }
        if let error = event.error { merged["error"] = .string("\(error)") }

        var object: JSONObject = [
            "timestamp": .string(ISO8601Timestamp.string(for: now())), "level": .string(event.level.rawValue),
            "label": .string(label), "message": .string(event.message.description),
        ]
        var flat: [(String, JSONValue)] = []
        for (key, value) in merged { Self.flatten(value, key: key, into: &flat) }
        for (key, value) in flat.sorted(by: { $0.0 < $1.0 }) {
            object[object[key] == nil ? key : "metadata.\(key)"] = value
        }
        write(JSONValue.object(object).serialized() + "\n")
    }

    static func flatten(_ value: Logger.Metadata.Value, key: String, into out: inout [(String, JSONValue)]) {
        switch value {
        case .dictionary(let dictionary):
            for (sub, inner) in dictionary { flatten(inner, key: "\(key).\(sub)", into: &out) }
        default:
            out.append((key, jsonValue(value)))
        }
    }

    static func jsonValue(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let convertible as Int): .number(Double(convertible))
        case .stringConvertible(let convertible as Double) where convertible.isFinite: .number(convertible)
        case .stringConvertible(let convertible): .string(convertible.description)
        case .array(let items): .array(items.map(jsonValue))
        case .dictionary(let dictionary): .object(JSONObject(uniqueKeysWithValues: dictionary.sorted { $0.key < $1.key }.map { ($0.key, jsonValue($0.value)) }))
        }
    }
}

/// `2026-11-29T08:15:02.123Z`.
enum ISO8601Timestamp {
    static func string(for date: Date) -> String {
        let interval = date.timeIntervalSince1970
        var seconds = time_t(interval.rounded(.down))
        let milliseconds = min(999, Int((interval - Double(seconds)) * 1000))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday), Int(parts.tm_hour),
            Int(parts.tm_min), Int(parts.tm_sec), milliseconds)
    }
}
