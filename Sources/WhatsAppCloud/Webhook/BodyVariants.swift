import FlowEngine

/// Re-writings of a JSON body that happen to it on its way from Meta to a log file or a test
/// fixture. The signature diagnosis signs each of them to find out which one was signed.
///
/// Escaping and unescaping work on the raw bytes without parsing: in valid JSON, non-ASCII
/// characters, `\` and `/` can only occur inside strings, so a plain scan is exact.
enum BodyVariants {
    /// Non-ASCII characters written as `\uXXXX` escapes (UTF-16 units, as JSON requires), the
    /// way Meta sends them; nil when the body has no non-ASCII character.
    static func escapingNonASCII(_ bytes: [UInt8], uppercase: Bool = false) -> [UInt8]? {
        guard bytes.contains(where: { $0 >= 0x80 }) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count + bytes.count / 2)
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                out.append(UInt8(scalar.value))
                continue
            }
            for unit in String(scalar).utf16 {
                out.append(contentsOf: Array("\\u".utf8) + hex4(unit, uppercase: uppercase))
            }
        }
        return out
    }

    /// `\uXXXX` escapes of non-ASCII characters (surrogate pairs included) written as raw
    /// UTF-8; nil when there are none. Escapes of ASCII characters (`\u0022`, `\u000a`) and
    /// lone surrogates stay as they are, and `\\u00e4` (an escaped backslash) is left alone.
    static func unescapingNonASCII(_ bytes: [UInt8]) -> [UInt8]? {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var changed = false
        var i = 0
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "\\"), i + 1 < bytes.count else {
                out.append(bytes[i])
                i += 1
                continue
            }
            if bytes[i + 1] == UInt8(ascii: "u"), let unit = unit(at: i + 2, in: bytes), unit >= 0x80 {
                if (0xD800...0xDBFF).contains(unit), i + 12 <= bytes.count,
                    bytes[i + 6] == UInt8(ascii: "\\"), bytes[i + 7] == UInt8(ascii: "u"),
                    let low = self.unit(at: i + 8, in: bytes), (0xDC00...0xDFFF).contains(low),
                    let scalar = Unicode.Scalar(0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00))
                {
                    out.append(contentsOf: Array(String(scalar).utf8))
                    changed = true
                    i += 12
                    continue
                }
                if let scalar = Unicode.Scalar(unit) {
                    out.append(contentsOf: Array(String(scalar).utf8))
                    changed = true
                    i += 6
                    continue
                }
            }
            // Any other escape (including `\\`) is copied as a pair, so its second byte is
            // never mistaken for the start of an escape.
            out.append(bytes[i])
            out.append(bytes[i + 1])
            i += 2
        }
        return changed ? out : nil
    }

    /// Canonical re-serialisations of the parsed body, each named the way a developer knows it.
    static func reserializations(of value: JSONValue) -> [(name: String, bytes: [UInt8])] {
        let compact = value.serialized()
        var result: [(String, [UInt8])] = [
            ("re-serialised compactly (JSON.stringify(body))", Array(compact.utf8)),
            ("pretty-printed with 2 spaces (JSON.stringify(body, null, 2))", Array(value.serialized(indent: 2).utf8)),
            ("pretty-printed with 4 spaces (json.dumps(body, indent=4), jq-style tools)", Array(value.serialized(indent: 4).utf8)),
        ]
        let asciiCompact = escapingNonASCII(Array(compact.utf8)) ?? Array(compact.utf8)
        result.append(("re-serialised in Meta's own style (compact, \\u escapes, \\/ for /)", escapingSlashes(asciiCompact)))
        result.append(("re-serialised compactly with \\u escapes (PHP json_encode, Java)", asciiCompact))
        let python = pythonStyle(value)
        result.append(("re-serialised by Python's json.dumps(body) (\", \" and \": \" separators)", python))
        return result
    }

    /// `/` written as `\/`.
    static func escapingSlashes(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        for byte in bytes {
            if byte == UInt8(ascii: "/") { out.append(UInt8(ascii: "\\")) }
            out.append(byte)
        }
        return out
    }

    /// Python's default `json.dumps`: `", "` and `": "` separators and ASCII-only output.
    static func pythonStyle(_ value: JSONValue) -> [UInt8] {
        var out = ""
        writePython(value, into: &out)
        let bytes = Array(out.utf8)
        return escapingNonASCII(bytes) ?? bytes
    }

    private static func writePython(_ value: JSONValue, into out: inout String) {
        switch value {
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += ", " }
                writePython(item, into: &out)
            }
            out += "]"
        case .object(let object):
            out += "{"
            for (i, (key, member)) in object.enumerated() {
                if i > 0 { out += ", " }
                out += JSONValue.string(key).serialized() + ": "
                writePython(member, into: &out)
            }
            out += "}"
        default:
            out += value.serialized()
        }
    }

    private static func unit(at index: Int, in bytes: [UInt8]) -> UInt16? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt16 = 0
        for k in index..<(index + 4) {
            let c = bytes[k]
            let digit: UInt16
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt16(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt16(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt16(c - UInt8(ascii: "A") + 10)
            default: return nil
            }
            value = value << 4 | digit
        }
        return value
    }

    private static func hex4(_ unit: UInt16, uppercase: Bool) -> [UInt8] {
        let digits = Array((uppercase ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
        return [12, 8, 4, 0].map { digits[Int((unit >> UInt16($0)) & 0xF)] }
    }
}
