/// JavaScript's `Number.prototype.toString()` (ECMAScript Number::toString, radix 10):
/// `1` not `1.0`, `1e+21`, `1e-7`, `0.000001`, `NaN`, `-Infinity`, and `-0` as `0`.
package func jsNumberString(_ value: Double) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
    if value == 0 { return "0" }

    // Swift's description is the shortest round-tripping representation; only its layout differs.
    let negative = value < 0
    let text = (negative ? -value : value).description
    var mantissa = Substring(text)
    var exponent = 0
    if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
        mantissa = text[..<e]
        exponent = Int(text[text.index(after: e)...]) ?? 0
    }
    var digits = ""
    var pointPosition = 0  // number of digits before the decimal point in `mantissa`
    var seenPoint = false
    for ch in mantissa {
        if ch == "." {
            seenPoint = true
            continue
        }
        digits.append(ch)
        if !seenPoint { pointPosition += 1 }
    }
    // Normalise: strip leading zeros (adjusting the point) and trailing zeros.
    while digits.first == "0" {
        digits.removeFirst()
        pointPosition -= 1
    }
    while digits.last == "0" { digits.removeLast() }
    if digits.isEmpty { return "0" }

    let k = digits.count
    let n = pointPosition + exponent  // value = 0.d1d2…dk × 10^n
    var out = negative ? "-" : ""
    if k <= n && n <= 21 {
        out += digits + String(repeating: "0", count: n - k)
    } else if 0 < n && n <= 21 {
        let split = digits.index(digits.startIndex, offsetBy: n)
        out += digits[..<split] + "." + digits[split...]
    } else if -6 < n && n <= 0 {
        out += "0." + String(repeating: "0", count: -n) + digits
    } else {
        let e = n - 1
        out.append(digits.first ?? "0")
        if k > 1 { out += "." + digits.dropFirst() }
        out += "e" + (e >= 0 ? "+" : "-") + String(abs(e))
    }
    return out
}
