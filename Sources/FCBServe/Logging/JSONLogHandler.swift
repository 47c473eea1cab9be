import FCBSupport
import FlowEngine
import Foundation
import Logging

/// One JSON object per line: `timestamp` (ISO-8601 UTC, milliseconds), `level`, `label`,
/// `message`, then the metadata flattened (`{"a":{"b":1}}` → `"a.b"`; a key that would hide one
/// of the four fixed fields is written as `metadata.<key>`). `Int` and `Double` values given as
/// `.stringConvertible` are JSON numbers, everything else a string.
package struct JSONLogHandler: LogHandler {
    package var logLevel: Logger.Level
    package var metadata: Logger.Metadata = [:]
    package var metadataProvider: Logger.MetadataProvider?
    package let label: String
    private let write: @Sendable (String) -> Void
    private let now: @Sendable () -> Date

    /// - Parameter write: receives each line, newline included (default: standard error).
    package init(
        label: String, level: Logger.Level = .info, metadataProvider: Logger.MetadataProvider? = nil,
        now: @escaping @Sendable () -> Date = { Date() }, write: @escaping @Sendable (String) -> Void = LogLineWriter.standardError.write
    ) {
        self.label = label
        self.logLevel = level
        self.metadataProvider = metadataProvider
        self.now = now
        self.write = write
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let explicit = event.metadata { merged.merge(explicit) { $1 } }
        if let error = event.error { merged["error"] = .string("\(error)") }

        var object: JSONObject = [
            "timestamp": .string(ISOTimestamp.string(now())), "level": .string(event.level.rawValue),
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
