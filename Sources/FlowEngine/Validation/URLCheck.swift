/// What zod's `z.string().url()` accepts (WHATWG `new URL(s)` succeeds), approximated without a
/// full URL parser: a scheme; for special schemes a host without forbidden code points and a valid port.
enum URLCheck {
    static let specialSchemes: Set<String> = ["http", "https", "ws", "wss", "ftp", "file"]

    static func isValidURL(_ text: String) -> Bool {
        let s = text.trimmingJSWhitespace()
        guard let colon = s.firstIndex(of: ":") else { return false }
        let scheme = s[..<colon].lowercased()
        guard let first = scheme.first, first.isASCII, first.isLetter,
            scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") })
        else { return false }
        guard specialSchemes.contains(scheme) else { return true }
        if scheme == "file" { return true }
        // Special schemes: skip any slashes/backslashes, then the authority up to / ? # \.
        var rest = s[s.index(after: colon)...].drop(while: { $0 == "/" || $0 == "\\" })
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" || $0 == "\\" }) { rest = rest[..<end] }
        var authority = String(rest)
        if let at = authority.lastIndex(of: "@") { authority = String(authority[authority.index(after: at)...]) }
        var host = authority
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return false }
            host = String(authority[...close])
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.first == ":", isValidPort(after.dropFirst()) else { return false }
            }
            return host.count > 2
        }
        if let portColon = authority.lastIndex(of: ":") {
            host = String(authority[..<portColon])
            guard isValidPort(authority[authority.index(after: portColon)...]) else { return false }
        }
        let forbidden: Set<Character> = [" ", "#", "%", "/", ":", "<", ">", "?", "@", "[", "\\", "]", "^", "|", "\t", "\n", "\r"]
        return !host.isEmpty && !host.contains(where: { forbidden.contains($0) })
    }

    /// A URL with `{{placeholders}}` is checked with each placeholder replaced by a sample
    /// value, because the executor interpolates it before calling; a URL that is one
    /// placeholder as a whole cannot be checked and is accepted.
    static func isValidTemplatedURL(_ text: String) -> Bool {
        let placeholders = Placeholder.scan(text)
        if placeholders.isEmpty { return isValidURL(text) }
        if let first = placeholders.first, first.range.lowerBound == text.startIndex { return true }
        var substituted = text
        for placeholder in placeholders.reversed() { substituted.replaceSubrange(placeholder.range, with: "x") }
        return isValidURL(substituted)
    }

    private static func isValidPort(_ text: Substring) -> Bool {
        if text.isEmpty { return true }
        guard text.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(text.prefix(6)) else { return false }
        return port <= 65535
    }
}
