import Testing

@testable import FCBStore

@Suite("Migration checksums (prisma-engines checksum.rs)")
struct MigrationChecksumTests {
    @Test func lowerCaseHexOfSHA256KeepsLeadingZeros() {
        // prisma-engines' own test vector.
        #expect(MigrationChecksum(of: "hello").hex == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
        #expect(MigrationChecksum(of: "abcd").hex.count == 64)
        #expect(MigrationChecksum(of: "").hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func legacyFormDropsTheLeadingZeroOfEachByte() {
        // SHA-256("hello") has bytes 0x0e, 0x1b, 0x1e, 0x04, 0x03, 0x09 … whose leading zero goes.
        let checksum = MigrationChecksum(of: "hello")
        #expect(checksum.legacyUnpaddedHex == "2cf24dba5fb0a3e26e83b2ac5b9e29e1b161e5c1fa7425e7343362938b9824")
        #expect(checksum.legacyUnpaddedHex.count == 62)
        #expect(MigrationChecksum.script(Array("hello".utf8), matches: checksum.legacyUnpaddedHex))
    }

    @Test func lineEndingsDoNotMatterInEitherDirection() {
        let lf = Array("ab\ncd\nef\ngh\rab\n".utf8)
        let crlf = Array("ab\r\ncd\r\nef\r\ngh\rab\r\n".utf8)
        #expect(MigrationChecksum.script(crlf, matches: MigrationChecksum(of: lf).hex), "CRLF file, LF record")
        #expect(MigrationChecksum.script(lf, matches: MigrationChecksum(of: crlf).hex), "LF file, CRLF record")
        #expect(MigrationChecksum.script(lf, matches: MigrationChecksum(of: lf).hex))
        #expect(MigrationChecksum.script(crlf, matches: MigrationChecksum(of: crlf).hex))
        // prisma-engines' second vector, without trailing newline.
        #expect(MigrationChecksum.script(Array("ab\r\ncd\r\nef\r\ngh\rab".utf8), matches: MigrationChecksum(of: "ab\ncd\nef\ngh\rab").hex))
    }

    @Test func legacyRecordOfACRLFFileStillMatches() {
        let lf = Array("SELECT 1;\nSELECT 2;\n".utf8)
        let crlf = Array("SELECT 1;\r\nSELECT 2;\r\n".utf8)
        let legacy = MigrationChecksum(of: lf).legacyUnpaddedHex
        #expect(legacy.count != 64)
        #expect(MigrationChecksum.script(crlf, matches: legacy))
    }

    @Test func wrongChecksumsDoNotMatch() {
        #expect(!MigrationChecksum.script(Array("abc".utf8), matches: MigrationChecksum(of: "abcd").hex))
        #expect(!MigrationChecksum.script(Array("abc\n".utf8), matches: MigrationChecksum(of: "abc").hex))
        #expect(!MigrationChecksum.script(Array("abc".utf8), matches: ""))
        #expect(!MigrationChecksum.script(Array("abc".utf8), matches: MigrationChecksum(of: "abc").hex.uppercased()))
        // A 64-character record is never read as the legacy form.
        #expect(!MigrationChecksum.script(Array("hello".utf8), matches: MigrationChecksum(of: "hello").legacyUnpaddedHex + "00"))
    }

    @Test func checksumCoversBytesNotCharacters() {
        // A byte-order mark and CRLF are hashed as the bytes they are.
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("SELECT 1;\r\n".utf8)
        #expect(MigrationChecksum(of: bom).hex != MigrationChecksum(of: "SELECT 1;\r\n").hex)
        #expect(LocalMigration(name: "x", scriptBytes: bom).checksum == MigrationChecksum(of: bom))
    }
}
