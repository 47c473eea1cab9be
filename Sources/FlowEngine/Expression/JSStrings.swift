/// String helpers with JavaScript's definitions (UTF-16 code units, the JS whitespace set,
/// Unicode default case mapping with the final-sigma rule).
enum JSStrings {
    /// ECMAScript WhiteSpace ∪ LineTerminator: what `trim`, `Number()`, `parseInt` and
    /// `parseFloat` strip, and what separates tokens in source.
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0B, 0x0C, 0x20, 0xA0, 0xFEFF: true
        case 0x0A, 0x0D, 0x2028, 0x2029: true
        case 0x1680, 0x2000...0x200A, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    static func isLineTerminator(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x0D, 0x2028, 0x2029: true
        default: false
        }
    }

    static func trim(_ s: String, start: Bool = true, end: Bool = true) -> String {
        let scalars = s.unicodeScalars
        var lower = scalars.startIndex
        var upper = scalars.endIndex
        if start {
            while lower < upper, isWhitespace(scalars[lower]) { lower = scalars.index(after: lower) }
        }
        if end {
            while upper > lower {
                let before = scalars.index(before: upper)
                guard isWhitespace(scalars[before]) else { break }
                upper = before
            }
        }
        return String(scalars[lower..<upper])
    }

    /// A string made of UTF-16 code units. A lone surrogate cannot be held by a Swift `String`
    /// and becomes U+FFFD (a documented approximation).
    static func fromCodeUnits<C: Collection>(_ units: C) -> String where C.Element == UInt16 {
        String(decoding: units, as: UTF16.self)
    }

    /// `String.prototype.toLowerCase`: Unicode full lowercase mapping (SpecialCasing
    /// unconditional mappings included, so `'İ'` → `'i̇'`) plus the Final_Sigma rule.
    static func toLowerCase(_ s: String) -> String {
        if s.utf8.allSatisfy({ $0 < 0x80 }) { return s.lowercased() }
        // Swift's lowercased() is the same per-scalar full mapping; only capital sigma needs context.
        if !s.unicodeScalars.contains("\u{3A3}") { return s.lowercased() }
        let scalars = Array(s.unicodeScalars)
        var out = String.UnicodeScalarView()
        for (i, c) in scalars.enumerated() {
            if c.value == 0x3A3 {
                out.append(isFinalSigma(scalars, at: i) ? "\u{3C2}" : "\u{3C3}")
            } else {
                out.append(contentsOf: c.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return String(out)
    }

    /// `String.prototype.toUpperCase`: Unicode full uppercase mapping (`'ß'` → `'SS'`).
    static func toUpperCase(_ s: String) -> String {
        if s.utf8.allSatisfy({ $0 < 0x80 }) { return s.uppercased() }
        var out = String.UnicodeScalarView()
        for c in s.unicodeScalars {
            out.append(contentsOf: c.properties.uppercaseMapping.unicodeScalars)
        }
        return String(out)
    }

    /// Unicode Final_Sigma: preceded by a cased letter (skipping case-ignorables) and not
    /// followed by one. Case-ignorable takes priority, as in ICU.
    private static func isFinalSigma(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        var j = index - 1
        while j >= 0, scalars[j].properties.isCaseIgnorable { j -= 1 }
        guard j >= 0, scalars[j].properties.isCased else { return false }
        var k = index + 1
        while k < scalars.count, scalars[k].properties.isCaseIgnorable { k += 1 }
        return !(k < scalars.count && scalars[k].properties.isCased)
    }

    /// The first index ≥ `from` where `needle` occurs in `haystack` (code units), or nil.
    static func indexOf(_ haystack: [UInt16], _ needle: [UInt16], from: Int) -> Int? {
        let n = haystack.count
        let m = needle.count
        guard from >= 0, from <= n else { return nil }
        if m == 0 { return from }
        guard m <= n - from, let first = needle.first else { return nil }
        var i = from
        let last = n - m
        while i <= last {
            if haystack[i] == first {
                var j = 1
                while j < m, haystack[i + j] == needle[j] { j += 1 }
                if j == m { return i }
            }
            i += 1
        }
        return nil
    }

    /// JavaScript `<` on two strings: lexicographic by UTF-16 code units.
    static func lessThan(_ a: String, _ b: String) -> Bool {
        a.utf16.lexicographicallyPrecedes(b.utf16)
    }

    /// The integer index named by a property key, if the key is a canonical array index
    /// ("0", "17"; not "01", "1.0", "-0", "+1").
    static func arrayIndex(_ key: String) -> Int? {
        let utf8 = key.utf8
        guard let first = utf8.first, utf8.count <= 10 else { return nil }
        if first == UInt8(ascii: "0") { return utf8.count == 1 ? 0 : nil }
        var value = 0
        for byte in utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value < 4_294_967_295 ? value : nil
    }
}
