import Foundation

/// Text rules shared by trigger matching, option matching and validation.
package enum TextNormalization {
    /// The reference's trigger `norm(s)`: nil for blank input; otherwise trimmed, NFD-decomposed,
    /// combining marks U+0300–U+036F removed (`ñ` → `n`, `ção` → `cao`) and lower-cased.
    package static func triggerKey(_ text: String?) -> String? {
        guard let text else { return nil }
        let trimmed = text.trimmingJSWhitespace()
        if trimmed.isEmpty { return nil }
        var scalars = String.UnicodeScalarView()
        for scalar in trimmed.decomposedStringWithCanonicalMapping.unicodeScalars
        where !(0x300...0x36F).contains(scalar.value) {
            scalars.append(scalar)
        }
        return String(scalars).jsLowercased()
    }

    /// JavaScript string length (UTF-16 code units), the unit zod limits and Meta's limits use.
    package static func jsLength(_ text: String) -> Int { text.utf16.count }

    /// Cuts a title to `limit` characters, ending with an ellipsis when it had to be cut.
    package static func truncatedTitle(_ title: String, limit: Int) -> String {
        let trimmed = title.trimmingJSWhitespace()
        guard trimmed.count > limit, limit > 1 else { return trimmed }
        return String(trimmed.prefix(limit - 1)).trimmingJSWhitespace() + "…"
    }

    /// Whether `haystack` contains `needle` as a substring (byte-wise on UTF-8, like JS
    /// `includes` on well-formed strings), without Foundation's slow bridging.
    package static func contains(_ haystack: String, _ needle: String) -> Bool {
        let h = Array(haystack.utf8)
        let n = Array(needle.utf8)
        if n.isEmpty { return true }
        if n.count > h.count { return false }
        outer: for start in 0...(h.count - n.count) {
            for k in 0..<n.count where h[start + k] != n[k] { continue outer }
            return true
        }
        return false
    }
}
