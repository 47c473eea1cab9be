/// The old executor's path helpers over a flow context: `getFromPath`, `setByPath`
/// (docs/compatibility.md#context-paths) and the `tpl` interpolation
/// (docs/compatibility.md#placeholders), on JSON with JavaScript's rules.
package enum ContextPaths {
    /// `getFromPath(obj, path)`: split on `.` only; walking stops with nil (undefined) at null,
    /// undefined or a primitive. Arrays answer numeric keys and `length`.
    package static func get(_ root: JSONValue, _ path: String) -> JSONValue? {
        var current: JSONValue = root
        var rest = Substring(path)
        while true {
            let dot = rest.firstIndex(of: ".")
            let key = dot.map { rest[..<$0] } ?? rest
            switch current {
            case .object(let object):
                guard let next = object[String(key)] else { return nil }
                current = next
            case .array(let items):
                if key == "length" {
                    current = .number(Double(items.count))
                } else if let index = arrayIndex(key), index < items.count {
                    current = items[index]
                } else {
                    return nil
                }
            default:
                return nil
            }
            guard let dot else { return current }
            rest = rest[rest.index(after: dot)...]
        }
    }

    /// `setByPath(obj, path, value)`: intermediate segments that are not objects (or arrays)
    /// are replaced by `{}`; no array creation, no trimming, empty segments are keys `""`.
    package static func set(_ context: inout JSONObject, _ path: String, _ value: JSONValue?) {
        let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        var root = JSONValue.object(context)
        assign(&root, parts[...], value)
        if case .object(let object) = root { context = object }
    }

    private static func assign(_ container: inout JSONValue, _ parts: ArraySlice<String>, _ value: JSONValue?) {
        guard let key = parts.first else { return }
        let rest = parts.dropFirst()
        switch container {
        case .object(var object):
            container = .null  // release the copy so the object is mutated in place
            if rest.isEmpty {
                object[key] = value  // nil removes the key, as JSON.stringify drops undefined
            } else {
                var child = object[key] ?? .null
                if !isObjectLike(child) { child = .object([:]) }
                object[key] = .null
                assign(&child, rest, value)
                object[key] = child
            }
            container = .object(object)
        case .array(var items):
            // JS arrays take numeric keys as elements; other keys are properties JSON drops.
            guard let index = arrayIndex(Substring(key)) else { return }
            container = .null
            while items.count <= index { items.append(.null) }
            if rest.isEmpty {
                items[index] = value ?? .null
            } else {
                var child = items[index]
                if !isObjectLike(child) { child = .object([:]) }
                assign(&child, rest, value)
                items[index] = child
            }
            container = .array(items)
        default:
            return
        }
    }

    private static func isObjectLike(_ value: JSONValue) -> Bool {
        switch value {
        case .object, .array: true
        default: false
        }
    }

    /// A canonical array index ("0", "12"; not "01", "-1", "1.0") below 10,000: a flow cannot grow
    /// a context array to millions of nulls (JavaScript would; its JSON would be as large).
    static func arrayIndex(_ key: Substring) -> Int? {
        guard !key.isEmpty, key.count <= 4, key.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        if key.count > 1 && key.first == "0" { return nil }
        return Int(key)
    }

    /// `tpl(s)`: replaces each `{{ key }}` (key of `[A-Za-z0-9_.[\]]`) by
    /// `getFromPath({context}, key) ?? getFromPath(context, key)`, null/undefined as "".
    package static func interpolate(_ template: String, context: JSONObject) -> String {
        let placeholders = Placeholder.scan(template)
        guard placeholders.contains(where: \.isRecognised) else { return template }
        var out = ""
        var cursor = template.startIndex
        let root = JSONValue.object(context)
        for placeholder in placeholders where placeholder.isRecognised {
            out += template[cursor..<placeholder.range.lowerBound]
            out += resolve(placeholder.key, root: root)
            cursor = placeholder.range.upperBound
        }
        out += template[cursor...]
        return out
    }

    static func resolve(_ key: String, root: JSONValue) -> String {
        var value: JSONValue?
        if key == "context" {
            value = root
        } else if key.hasPrefix("context.") {
            value = get(root, String(key.dropFirst("context.".count)))
        }
        if value == nil || value == .null { value = get(root, key) }
        guard let value, value != .null else { return "" }
        return JSCoercion.toString(value)
    }
}
