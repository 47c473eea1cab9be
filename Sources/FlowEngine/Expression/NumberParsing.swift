/// JavaScript's string-to-number conversions: `Number(string)` (StringToNumber), `parseInt`,
/// `parseFloat`, and the integer part of numeric literals.
enum JSNumberParsing {
    private static let zero = UInt8(ascii: "0")

    /// Value of an ASCII digit/letter in radix 36, or nil.
    static func digitValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): Int(byte - UInt8(ascii: "A")) + 10
        default: nil
        }
    }

    /// StringToNumber (`Number(s)`, `+s`, and every implicit string→number conversion).
    static func stringToNumber(_ s: String) -> Double {
        let trimmed = JSStrings.trim(s)
        if trimmed.isEmpty { return 0 }
        let bytes = Array(trimmed.utf8)
        if bytes.count >= 2, bytes[0] == zero {
            let radix: Int? =
                switch bytes[1] {
                case UInt8(ascii: "x"), UInt8(ascii: "X"): 16
                case UInt8(ascii: "o"), UInt8(ascii: "O"): 8
                case UInt8(ascii: "b"), UInt8(ascii: "B"): 2
                default: nil
                }
            if let radix {
                var digits: [Int] = []
                for byte in bytes[2...] {
                    guard let d = digitValue(byte), d < radix else { return .nan }
                    digits.append(d)
                }
                return digits.isEmpty ? .nan : integerValue(digits, radix: radix)
            }
        }
        if let (value, length) = decimalPrefix(bytes), length == bytes.count { return value }
        return .nan
    }

    /// The longest prefix of `bytes` that is a StrDecimalLiteral (`[+-]` then `Infinity` or
    /// digits with optional fraction and exponent), with its value and length.
    static func decimalPrefix(_ bytes: [UInt8]) -> (Double, Int)? {
        let n = bytes.count
        var i = 0
        var negative = false
        if i < n, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        let infinity = Array("Infinity".utf8)
        if n - i >= infinity.count, Array(bytes[i..<(i + infinity.count)]) == infinity {
            return (negative ? -.infinity : .infinity, i + infinity.count)
        }
        func isDigit(_ b: UInt8) -> Bool { b >= zero && b <= UInt8(ascii: "9") }
        let intStart = i
        while i < n, isDigit(bytes[i]) { i += 1 }
        let intPart = bytes[intStart..<i]
        var fracPart = bytes[i..<i]
        if i < n, bytes[i] == UInt8(ascii: ".") {
            let fracStart = i + 1
            var j = fracStart
            while j < n, isDigit(bytes[j]) { j += 1 }
            if !intPart.isEmpty || j > fracStart {
                fracPart = bytes[fracStart..<j]
                i = j
            }
        }
        guard !intPart.isEmpty || !fracPart.isEmpty else { return nil }
        var expPart = bytes[i..<i]
        if i < n, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            var j = i + 1
            if j < n, bytes[j] == UInt8(ascii: "+") || bytes[j] == UInt8(ascii: "-") { j += 1 }
            let digitsStart = j
            while j < n, isDigit(bytes[j]) { j += 1 }
            if j > digitsStart {
                expPart = bytes[(i + 1)..<j]
                i = j
            }
        }
        let value = decimalValue(integer: intPart, fraction: fracPart, exponent: expPart)
        return (negative ? -value : value, i)
    }

    /// The correctly rounded value of `integer.fraction e exponent` (ASCII digits).
    static func decimalValue(integer: ArraySlice<UInt8>, fraction: ArraySlice<UInt8>, exponent: ArraySlice<UInt8>) -> Double {
        var text = integer.isEmpty ? "0" : String(decoding: integer, as: UTF8.self)
        if !fraction.isEmpty { text += "." + String(decoding: fraction, as: UTF8.self) }
        if !exponent.isEmpty {
            // Clamp absurd exponents so the C library sees a sane string; the result (0 or
            // Infinity, or the exact value for small ones) is unchanged.
            let sign = exponent.first == UInt8(ascii: "-") ? "-" : ""
            let digits = exponent.drop(while: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") })
            let significant = digits.drop(while: { $0 == zero })
            let expText = significant.count > 6 ? "999999" : (significant.isEmpty ? "0" : String(decoding: significant, as: UTF8.self))
            text += "e" + sign + expText
        }
        return Double(text) ?? .nan
    }

    /// The value of an unsigned integer written with `digits` in `radix`, as V8 computes it:
    /// exact and correctly rounded for radix 10 and powers of two, V8's chunked
    /// multiply-add approximation for other radixes (which the spec permits).
    static func integerValue(_ digits: [Int], radix: Int) -> Double {
        switch radix {
        case 10:
            let text = String(decoding: digits.map { UInt8($0) + zero }, as: UTF8.self)
            return Double(text) ?? .nan
        case 2, 4, 8, 16, 32:
            return powerOfTwoValue(digits, bitsPerDigit: radix.trailingZeroBitCount)
        default:
            return chunkedValue(digits, radix: radix)
        }
    }

    private static func powerOfTwoValue(_ digits: [Int], bitsPerDigit: Int) -> Double {
        var bits: [Bool] = []
        bits.reserveCapacity(digits.count * bitsPerDigit)
        for d in digits {
            for shift in stride(from: bitsPerDigit - 1, through: 0, by: -1) {
                let bit = (d >> shift) & 1 == 1
                if bit || !bits.isEmpty { bits.append(bit) }
            }
        }
        if bits.isEmpty { return 0 }
        if bits.count <= 53 {
            var value: UInt64 = 0
            for bit in bits { value = value << 1 | (bit ? 1 : 0) }
            return Double(value)
        }
        var mantissa: UInt64 = 0
        for bit in bits[0..<53] { mantissa = mantissa << 1 | (bit ? 1 : 0) }
        let roundBit = bits[53]
        let sticky = bits[54...].contains(true)
        if roundBit && (sticky || mantissa & 1 == 1) { mantissa += 1 }
        let exponent = bits.count - 53
        if exponent > 1100 { return .infinity }
        return Double(sign: .plus, exponent: exponent, significand: Double(mantissa))
    }

    private static func chunkedValue(_ digits: [Int], radix: Int) -> Double {
        let maximumMultiplier = UInt32.max / 36
        var result = 0.0
        // V8 skips leading zeros before chunking; the chunk boundaries (and so the rounding)
        // depend on it.
        var index = digits.firstIndex { $0 != 0 } ?? digits.count
        while index < digits.count {
            var part: UInt32 = 0
            var multiplier: UInt32 = 1
            while index < digits.count {
                let m = multiplier * UInt32(radix)
                if m > maximumMultiplier { break }
                part = part * UInt32(radix) + UInt32(digits[index])
                multiplier = m
                index += 1
            }
            result = result * Double(multiplier) + Double(part)
        }
        return result
    }

    /// ECMAScript ToInt32.
    static func toInt32(_ value: Double) -> Int32 {
        guard value.isFinite, value != 0 else { return 0 }
        let truncated = value.rounded(.towardZero)
        var m = truncated.truncatingRemainder(dividingBy: 4_294_967_296)
        if m < 0 { m += 4_294_967_296 }
        if m >= 2_147_483_648 { m -= 4_294_967_296 }
        return Int32(m)
    }

    /// Global `parseInt(string, radix)` after ToString / ToInt32 of the arguments.
    static func parseInt(_ input: String, radix radixArgument: Int32) -> Double {
        let bytes = Array(JSStrings.trim(input, end: false).utf8)
        var i = 0
        var negative = false
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        var radix = Int(radixArgument)
        var stripPrefix = true
        if radix != 0 {
            if radix < 2 || radix > 36 { return .nan }
            if radix != 16 { stripPrefix = false }
        } else {
            radix = 10
        }
        if stripPrefix, bytes.count - i >= 2, bytes[i] == zero,
            bytes[i + 1] == UInt8(ascii: "x") || bytes[i + 1] == UInt8(ascii: "X")
        {
            i += 2
            radix = 16
        }
        var digits: [Int] = []
        while i < bytes.count, let d = digitValue(bytes[i]), d < radix {
            digits.append(d)
            i += 1
        }
        if digits.isEmpty { return .nan }
        let value = integerValue(digits, radix: radix)
        return negative ? -value : value
    }

    /// Global `parseFloat(string)` after ToString of the argument.
    static func parseFloat(_ input: String) -> Double {
        let bytes = Array(JSStrings.trim(input, end: false).utf8)
        guard let (value, _) = decimalPrefix(bytes) else { return .nan }
        return value
    }
}
