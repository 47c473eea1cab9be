/// The parsing state machine behind ``JSONParser``: one pass over the bytes, containers on an
/// explicit stack.
struct Cursor {
    private let bytes: UnsafeBufferPointer<UInt8>
    private let maxDepth: Int
    private var index = 0

    /// An open container. Kept as a struct mutated in place through the stack's subscript, so
    /// appending never copies the element arrays.
    private struct Frame {
        let isObject: Bool
        let offset: Int
        var items: [JSONNode] = []
        var members: [JSONNode.Member] = []
        var key = ""
        var keyOffset = 0
    }

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
    }

    mutating func parseDocument() throws(JSONSyntaxError) -> JSONNode {
        skipWhitespace()
        if index >= bytes.count { throw fail("empty input: expected a JSON value") }
        var stack: [Frame] = []
        var value: JSONNode

        parsing: while true {
            // Read one value, or open a container and loop to read its first element.
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of input: expected a value") }
            let start = index
            switch bytes[index] {
            case UInt8(ascii: "{"):
                if stack.count >= maxDepth { throw fail("nesting deeper than \(maxDepth) levels") }
                index += 1
                skipWhitespace()
                if peek(UInt8(ascii: "}")) {
                    index += 1
                    value = JSONNode(offset: start, kind: .object([]))
                } else {
                    let (key, keyOffset) = try readKeyAndColon()
                    stack.append(Frame(isObject: true, offset: start, key: key, keyOffset: keyOffset))
                    continue parsing
                }
            case UInt8(ascii: "["):
                if stack.count >= maxDepth { throw fail("nesting deeper than \(maxDepth) levels") }
                index += 1
                skipWhitespace()
                if peek(UInt8(ascii: "]")) {
                    index += 1
                    value = JSONNode(offset: start, kind: .array([]))
                } else {
                    stack.append(Frame(isObject: false, offset: start))
                    continue parsing
                }
            case UInt8(ascii: "\""):
                value = JSONNode(offset: start, kind: .string(try readString()))
            case UInt8(ascii: "t"):
                try expectLiteral("true")
                value = JSONNode(offset: start, kind: .bool(true))
            case UInt8(ascii: "f"):
                try expectLiteral("false")
                value = JSONNode(offset: start, kind: .bool(false))
            case UInt8(ascii: "n"):
                try expectLiteral("null")
                value = JSONNode(offset: start, kind: .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                value = JSONNode(offset: start, kind: .number(try readNumber()))
            default:
                throw unexpected("a value")
            }

            // Attach the finished value to its container; close containers as they end.
            while let top = stack.indices.last {
                skipWhitespace()
                if stack[top].isObject {
                    stack[top].members.append(JSONNode.Member(key: stack[top].key, keyOffset: stack[top].keyOffset, value: value))
                    if peek(UInt8(ascii: ",")) {
                        index += 1
                        skipWhitespace()
                        let (nextKey, nextKeyOffset) = try readKeyAndColon()
                        stack[top].key = nextKey
                        stack[top].keyOffset = nextKeyOffset
                        continue parsing
                    }
                    guard peek(UInt8(ascii: "}")) else { throw unexpected("',' or '}' in object") }
                    index += 1
                    let frame = stack.removeLast()
                    value = JSONNode(offset: frame.offset, kind: .object(frame.members))
                } else {
                    stack[top].items.append(value)
                    if peek(UInt8(ascii: ",")) {
                        index += 1
                        continue parsing
                    }
                    guard peek(UInt8(ascii: "]")) else { throw unexpected("',' or ']' in array") }
                    index += 1
                    let frame = stack.removeLast()
                    value = JSONNode(offset: frame.offset, kind: .array(frame.items))
                }
            }
            break parsing
        }

        skipWhitespace()
        if index < bytes.count { throw unexpected("end of input after the JSON value") }
        return value
    }

    // MARK: - Pieces

    private func peek(_ byte: UInt8) -> Bool { index < bytes.count && bytes[index] == byte }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func readKeyAndColon() throws(JSONSyntaxError) -> (String, Int) {
        guard peek(UInt8(ascii: "\"")) else { throw unexpected("a string key in double quotes") }
        let keyOffset = index
        let key = try readString()
        skipWhitespace()
        guard peek(UInt8(ascii: ":")) else { throw unexpected("':' after object key") }
        index += 1
        return (key, keyOffset)
    }

    private mutating func expectLiteral(_ word: StaticString) throws(JSONSyntaxError) {
        let count = word.utf8CodeUnitCount
        let start = index
        for k in 0..<count {
            guard index < bytes.count, bytes[index] == word.utf8Start[k] else {
                index = start
                throw unexpected("a value")
            }
            index += 1
        }
    }

    private mutating func readNumber() throws(JSONSyntaxError) -> Double {
        let start = index
        if peek(UInt8(ascii: "-")) { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw unexpected("a digit") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) { throw fail("leading zeros are not allowed in numbers") }
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if peek(UInt8(ascii: ".")) {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw unexpected("a digit after '.'") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw unexpected("a digit in the exponent") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        // The grammar above guarantees a valid literal; huge exponents give ±infinity or 0 like JS.
        return Double(text) ?? .nan
    }

    private mutating func readString() throws(JSONSyntaxError) -> String {
        let quote = index
        index += 1
        let contentStart = index
        // Fast path: no escapes. UTF-8 was validated up front.
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[contentStart..<index]), as: UTF8.self)
                index += 1
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw fail("control character U+00\(hex2(b)) must be escaped in a string") }
            index += 1
        }
        guard index < bytes.count else {
            index = quote
            throw fail("unterminated string")
        }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: String(decoding: UnsafeBufferPointer(rebasing: bytes[contentStart..<index]), as: UTF8.self).unicodeScalars)
        var utf8Run: [UInt8] = []
        func flush(_ run: inout [UInt8], into scalars: inout String.UnicodeScalarView) {
            if !run.isEmpty {
                scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
                run.removeAll(keepingCapacity: true)
            }
        }
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                flush(&utf8Run, into: &scalars)
                index += 1
                return String(scalars)
            }
            if b < 0x20 { throw fail("control character U+00\(hex2(b)) must be escaped in a string") }
            if b != UInt8(ascii: "\\") {
                utf8Run.append(b)
                index += 1
                continue
            }
            flush(&utf8Run, into: &scalars)
            index += 1
            guard index < bytes.count else { break }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""): scalars.append("\"")
            case UInt8(ascii: "\\"): scalars.append("\\")
            case UInt8(ascii: "/"): scalars.append("/")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                let unit = try readHex4()
                if (0xD800...0xDBFF).contains(unit), index + 1 < bytes.count,
                    bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                {
                    let save = index
                    index += 2
                    let low = try readHex4()
                    if (0xDC00...0xDFFF).contains(low) {
                        let value = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                        scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
                        continue
                    }
                    index = save
                }
                // A lone surrogate is legal JSON but not a Unicode scalar: keep a replacement character.
                scalars.append(Unicode.Scalar(UInt32(unit)) ?? "\u{FFFD}")
            default:
                index -= 2
                throw fail("invalid escape sequence '\\\(Character(Unicode.Scalar(escape)))' in string")
            }
        }
        index = quote
        throw fail("unterminated string")
    }

    private mutating func readHex4() throws(JSONSyntaxError) -> UInt16 {
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard index < bytes.count, let digit = hexValue(bytes[index]) else {
                throw fail("invalid \\u escape: expected four hex digits")
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    private func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: b - 0x30
        case 0x41...0x46: b - 0x41 + 10
        case 0x61...0x66: b - 0x61 + 10
        default: nil
        }
    }

    private func hex2(_ b: UInt8) -> String {
        let s = String(b, radix: 16, uppercase: true)
        return s.count == 1 ? "0" + s : s
    }

    private func fail(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(message: message, offset: index)
    }

    private func unexpected(_ expected: String) -> JSONSyntaxError {
        guard index < bytes.count else { return fail("unexpected end of input: expected \(expected)") }
        let b = bytes[index]
        let found =
            if b == UInt8(ascii: "'") { "\"'\"" } else if b >= 0x20 && b < 0x7F { "'\(Character(Unicode.Scalar(b)))'" } else { "byte 0x\(hex2(b))" }
        return fail("unexpected \(found): expected \(expected)")
    }
}
