import Crypto

/// The checksum Prisma Migrate records for a migration script: SHA-256 of `migration.sql`,
/// rendered as 64 lower-case hex digits.
///
/// Comparison follows prisma-engines' `script_matches_checksum` (schema-connector `checksum.rs`)
/// exactly, so fcb and `prisma migrate` agree on which migrations were edited:
/// - the script as it is on disk, with every CRLF turned into LF, and with every LF turned into
///   CRLF are all tried, because git may have changed line endings since the migration was
///   applied (the last variant turns an existing CRLF into CR CR LF, as Prisma's does);
/// - a recorded checksum that is non-empty and not 64 characters long was written by an old
///   Prisma that formatted each byte without its leading zero (prisma-engines issue #1887), so
///   it is compared with that "unpadded" rendering instead.
///
/// Works on the raw bytes: Swift strings treat CRLF as one character and decoding may drop a BOM,
/// while Prisma hashes the file's bytes as they are.
package struct MigrationChecksum: Sendable, Hashable, CustomStringConvertible {
    /// The 32 digest bytes.
    package let bytes: [UInt8]

    /// Length of a correctly rendered checksum.
    package static let renderedLength = 64

    package init(of script: [UInt8]) {
        bytes = Array(SHA256.hash(data: script))
    }

    package init(of script: String) {
        self.init(of: Array(script.utf8))
    }

    /// Lower-case hex, two digits per byte: what Prisma (and fcb) write to `_prisma_migrations`.
    package var hex: String {
        var out = ""
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(Self.digits[Int(byte >> 4)])
            out.append(Self.digits[Int(byte & 0x0F)])
        }
        return out
    }

    /// Lower-case hex with no leading zero per byte (`{:x}`), as old Prisma versions wrote it.
    package var legacyUnpaddedHex: String {
        var out = ""
        for byte in bytes {
            if byte >= 0x10 { out.append(Self.digits[Int(byte >> 4)]) }
            out.append(Self.digits[Int(byte & 0x0F)])
        }
        return out
    }

    package var description: String { hex }

    /// Whether `recorded` (a `_prisma_migrations.checksum` value) matches `script`.
    package static func script(_ script: [UInt8], matches recorded: String) -> Bool {
        let useLegacyForm = !recorded.isEmpty && recorded.utf8.count != renderedLength
        func matches(_ candidate: [UInt8]) -> Bool {
            let checksum = MigrationChecksum(of: candidate)
            return (useLegacyForm ? checksum.legacyUnpaddedHex : checksum.hex) == recorded
        }
        return matches(script)
            || matches(replacingCRLF(script))
            || matches(replacingLF(script))
    }

    private static let digits: [Character] = Array("0123456789abcdef")

    /// `script.replace("\r\n", "\n")`.
    private static func replacingCRLF(_ script: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(script.count)
        var index = 0
        while index < script.count {
            if script[index] == 0x0D, index + 1 < script.count, script[index + 1] == 0x0A {
                out.append(0x0A)
                index += 2
            } else {
                out.append(script[index])
                index += 1
            }
        }
        return out
    }

    /// `script.replace('\n', "\r\n")`: every LF, including one already preceded by CR.
    private static func replacingLF(_ script: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(script.count + script.count / 16)
        for byte in script {
            if byte == 0x0A { out.append(0x0D) }
            out.append(byte)
        }
        return out
    }
}
