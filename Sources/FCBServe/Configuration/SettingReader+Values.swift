import FCBStore
import Foundation

/// The settings whose values have a shape of their own: database URL, host, origins, Graph API.
extension SettingReader {
    mutating func databaseURL() -> DatabaseURL {
        guard let (text, source) = loader.lookup(.databaseURL) else {
            show(.databaseURL, DatabaseURL.embeddedDefault.redactedDescription, .defaultValue)
            return .embeddedDefault
        }
        do {
            let url = try DatabaseURL(parsing: text)
            show(.databaseURL, Self.redactedDatabaseURL(text), source)
            return url
        } catch {
            problems.append("invalid \(source.describe(.databaseURL)): \(error.message)")
            return .embeddedDefault
        }
    }

    /// The URL as written, with the password (userinfo or `password=` option) replaced by `***`.
    static func redactedDatabaseURL(_ text: String) -> String {
        let trimmed = DatabaseURLError.redacted(text.trimmingCharacters(in: .whitespaces))
        guard let question = trimmed.firstIndex(of: "?") else { return trimmed }
        let options = trimmed[trimmed.index(after: question)...].split(separator: "&", omittingEmptySubsequences: false).map { option in
            option.lowercased().hasPrefix("password=") ? "\(option.prefix(9))***" : String(option)
        }
        return String(trimmed[...question]) + options.joined(separator: "&")
    }

    mutating func host() -> String {
        let fallback = "127.0.0.1"
        guard let (text, source) = loader.lookup(.host) else {
            show(.host, fallback, .defaultValue)
            return fallback
        }
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: ".-:_%[]"))
        guard !text.isEmpty, text.unicodeScalars.allSatisfy({ $0.isASCII && allowed.contains($0) }) else {
            reject(.host, text, source, "expected an IP address or host name (e.g. 127.0.0.1, 0.0.0.0, ::1)")
            return fallback
        }
        let host = text.hasPrefix("[") && text.hasSuffix("]") ? String(text.dropFirst().dropLast()) : text
        show(.host, host, source)
        return host
    }

    mutating func frontendURLs() -> [String] {
        let fallback = ["http://localhost:3000"]
        guard let (text, source) = loader.lookup(.frontendURL) else {
            show(.frontendURL, fallback.joined(separator: ","), .defaultValue)
            return fallback
        }
        let origins = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let bad = origins.filter { $0 != "*" && !Self.isHTTPURL($0) }
        guard !origins.isEmpty, bad.isEmpty else {
            reject(.frontendURL, text, source, "expected comma-separated origins like https://dashboard.example.com (or *)")
            return fallback
        }
        show(.frontendURL, origins.joined(separator: ","), source)
        return origins
    }

    mutating func graphURL() -> String {
        let fallback = "https://graph.facebook.com"
        guard let (text, source) = loader.lookup(.metaGraphURL) else {
            show(.metaGraphURL, fallback, .defaultValue)
            return fallback
        }
        var url = text.trimmingCharacters(in: .whitespaces)
        while url.hasSuffix("/") { url.removeLast() }
        guard Self.isHTTPURL(url) else {
            reject(.metaGraphURL, text, source, "expected an http:// or https:// URL such as https://graph.facebook.com")
            return fallback
        }
        show(.metaGraphURL, url, source)
        return url
    }

    mutating func graphVersion() -> String {
        let fallback = "v23.0"
        guard let (text, source) = loader.lookup(.metaGraphAPIVersion) else {
            show(.metaGraphAPIVersion, fallback, .defaultValue)
            return fallback
        }
        let parts = text.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
        guard text.hasPrefix("v"), (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
        else {
            reject(.metaGraphAPIVersion, text, source, "expected a Graph API version like v23.0")
            return fallback
        }
        show(.metaGraphAPIVersion, text, source)
        return text
    }

    static func isHTTPURL(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else { return false }
        return !(url.host ?? "").isEmpty
    }

    /// `FCB_SOCKETIO_PATH`: an absolute path of plain URL characters that is not one of fcb's
    /// own routes; stored with one trailing slash (`/rt` → `/rt/`).
    mutating func socketIOPath(default fallback: String) -> String {
        guard let (text, source) = loader.lookup(.socketIOPath) else {
            show(.socketIOPath, fallback, .defaultValue)
            return fallback
        }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/")
        var path = text.trimmingCharacters(in: .whitespaces)
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        let taken = ["/webhook", "/api/webhook", "/health", "/ready", "/metrics", "/api"]
        guard path.hasPrefix("/"), path.count > 1, path.count <= 200, path.allSatisfy(allowed.contains), !path.contains("//") else {
            reject(.socketIOPath, text, source, "expected an absolute URL path such as /socket.io/ (letters, digits, - . _ ~ and /)")
            return fallback
        }
        guard !taken.contains(path) else {
            reject(.socketIOPath, text, source, "\(path) is one of fcb serve's own routes; choose another path")
            return fallback
        }
        show(.socketIOPath, path + "/", source)
        return path + "/"
    }
}
