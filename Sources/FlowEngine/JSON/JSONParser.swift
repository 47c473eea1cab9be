/// Why a document could not be read as JSON, with the byte offset where it went wrong.
package struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    package let message: String
    package let offset: Int

    package var description: String { message }
}

/// A strict RFC 8259 parser that records byte offsets. It is iterative (an explicit stack, so
/// hostile nesting cannot overflow the call stack) and rejects nesting beyond ``maxDepth``.
package struct JSONParser: Sendable {
    package var maxDepth: Int

    package static let defaultMaxDepth = 512

    package init(maxDepth: Int = JSONParser.defaultMaxDepth) {
        self.maxDepth = maxDepth
    }

    /// Parses `bytes` (UTF-8; a leading UTF-8 byte-order mark is skipped).
    package func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONNode {
        if let problem = EncodingCheck.problem(in: bytes) { throw problem }
        do {
            return try bytes.withUnsafeBufferPointer { buffer in
                var cursor = Cursor(bytes: buffer, maxDepth: maxDepth)
                return try cursor.parseDocument()
            }
        } catch let error as JSONSyntaxError {
            throw error
        } catch {
            throw JSONSyntaxError(message: "\(error)", offset: 0)
        }
    }

    package func parse(_ text: String) throws(JSONSyntaxError) -> JSONNode {
        try parse(Array(text.utf8))
    }
}

extension JSONValue {
    /// Parses JSON text into a plain value (positions dropped).
    package init(parsing bytes: [UInt8]) throws(JSONSyntaxError) {
        self = try JSONParser().parse(bytes).jsonValue
    }

    package init(parsing text: String) throws(JSONSyntaxError) {
        try self.init(parsing: Array(text.utf8))
    }
}

/// Encoding problems are reported before parsing, with a message a person can act on.
package enum EncodingCheck {
    static func problem(in bytes: [UInt8]) -> JSONSyntaxError? {
        if bytes.count >= 2, (bytes[0] == 0xFE && bytes[1] == 0xFF) || (bytes[0] == 0xFF && bytes[1] == 0xFE) {
            return JSONSyntaxError(message: "input is UTF-16 (byte-order mark found); save it as UTF-8", offset: 0)
        }
        if let bad = firstInvalidUTF8Offset(bytes) {
            let hex = String(bytes[bad], radix: 16, uppercase: true)
            return JSONSyntaxError(
                message: "input is not valid UTF-8: byte 0x\(hex.count == 1 ? "0" + hex : hex) at offset \(bad) cannot start or continue a character",
                offset: bad)
        }
        return nil
    }

    /// Offset of the first byte that breaks UTF-8 well-formedness (overlongs, surrogates and
    /// code points above U+10FFFF included), or nil when the whole input is valid.
    package static func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int? {
        var i = 0
        let n = bytes.count
        while i < n {
            let b0 = bytes[i]
            if b0 < 0x80 {
                i += 1
                continue
            }
            var need = 0
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: need = 1
            case 0xE0:
                need = 2
                low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED:
                need = 2
                high = 0x9F
            case 0xF0:
                need = 3
                low = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4:
                need = 3
                high = 0x8F
            default: return i
            }
            guard i + need < n else { return i }
            let b1 = bytes[i + 1]
            if b1 < low || b1 > high { return i + 1 }
            for k in 2..<(need + 1) where bytes[i + k] & 0xC0 != 0x80 { return i + k }
            i += need + 1
        }
        return nil
    }
}
