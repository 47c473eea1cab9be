/// `migration_lock.toml`, read exactly as prisma-engines reads it (`read_provider_from_lock_file`):
/// the first line starting with `provider`, minus a leading `provider = ` and surrounding quotes.
package enum MigrationLockFile {
    /// What Prisma reports when the file has no provider line.
    package static let providerNotFound = "<PROVIDER NOT FOUND>"

    package static func provider(in text: String) -> String {
        // Rust's `lines()` splits at LF and drops a CR before it; Swift sees CRLF as one Character.
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        for line in lines where line.hasPrefix("provider") {
            var value = line
            while value.hasPrefix("provider = ") { value = value.dropFirst("provider = ".count) }
            while value.hasPrefix("\"") { value = value.dropFirst() }
            while value.hasSuffix("\"") { value = value.dropLast() }
            return String(value)
        }
        return providerNotFound
    }
}
