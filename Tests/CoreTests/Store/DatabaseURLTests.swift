import FCBStore
import FCBSupport
import Foundation
import Testing

@Suite("DATABASE_URL")
struct DatabaseURLTests {
    @Test func prismaStylePostgresURL() throws {
        let url = try DatabaseURL(
            parsing:
                "postgresql://fcb%40prod:p%40ss%3Aw0rd@db.example.com:6543/chatbots?schema=tenant_a&sslmode=require&connection_limit=7&pgbouncer=true&connect_timeout=3"
        )
        guard case .postgres(let s) = url else {
            Issue.record("not postgres")
            return
        }
        #expect(s.host == "db.example.com" && s.port == 6543)
        #expect(s.username == "fcb@prod" && s.password == "p@ss:w0rd" && s.database == "chatbots")
        #expect(s.schema == "tenant_a" && s.tls == .require && s.maximumConnections == 7 && s.connectTimeout == .seconds(3))
        #expect(url.redactedDescription == "postgres://fcb@prod:***@db.example.com:6543/chatbots?schema=tenant_a (tls require)")
    }

    @Test func defaultsAndTLSModes() throws {
        guard case .postgres(let s) = try DatabaseURL(parsing: "postgres://localhost/app") else {
            Issue.record("not postgres")
            return
        }
        #expect(s.port == 5432 && s.username == "postgres" && s.password == nil && s.schema == "public" && s.tls == .prefer)
        let modes: [(String, PostgresSettings.TLSMode)] = [
            ("sslmode=disable", .disable), ("sslmode=verify-full", .verifyFull), ("sslmode=verify-ca", .verifyCA),
            ("sslmode=require&sslaccept=strict", .verifyFull), ("sslmode=verify-full&sslaccept=accept_invalid_certs", .require),
            ("sslrootcert=/etc/ca.pem", .verifyCA),
        ]
        for (query, mode) in modes {
            guard case .postgres(let s) = try DatabaseURL(parsing: "postgres://h/db?\(query)") else { continue }
            #expect(s.tls == mode, "\(query)")
        }
        guard case .postgres(let socket) = try DatabaseURL(parsing: "postgres://me@/db?host=/var/run/postgresql") else { return }
        #expect(socket.socketDirectory == "/var/run/postgresql")
        guard case .postgres(let v6) = try DatabaseURL(parsing: "postgres://u@[::1]:5433/db") else { return }
        #expect(v6.host == "::1" && v6.port == 5433)
    }

    @Test func sqliteForms() throws {
        #expect(try DatabaseURL(parsing: "sqlite:./fcb.sqlite") == .sqlite(path: "./fcb.sqlite"))
        #expect(try DatabaseURL(parsing: "sqlite:///var/lib/fcb/db.sqlite") == .sqlite(path: "/var/lib/fcb/db.sqlite"))
        #expect(try DatabaseURL(parsing: "file:data/x.db?mode=rwc") == .sqlite(path: "data/x.db"))
        #expect(try DatabaseURL(parsing: "sqlite::memory:") == .sqliteMemory)
        #expect(DatabaseURL.embeddedDefault == .sqlite(path: "./fcb.sqlite"))
    }

    @Test(arguments: [
        ("mysql://root@localhost/db", #"unsupported database URL scheme "mysql": use postgres://, postgresql://, sqlite:PATH or sqlite::memory:"#),
        ("", "DATABASE_URL is empty (use postgres://…, sqlite:PATH or leave it unset for ./fcb.sqlite)"),
        ("sqlite:", "sqlite:: the SQLite URL has no file path (try sqlite:./fcb.sqlite)"),
        ("postgres://u:secret@h:99999/db", "postgres://u:***@h:99999/db: port 99999 is out of range"),
        (
            "postgres://u:secret@h/db?sslmode=sometimes",
            "postgres://u:***@h/db?sslmode=sometimes: sslmode=sometimes is not one of disable, prefer, require, verify-ca, verify-full"
        ),
        ("postgres://h/db?connection_limit=0", "postgres://h/db?connection_limit=0: connection_limit=0 must be a positive integer"),
    ])
    func badURLsSayWhatIsWrong(_ text: String, _ message: String) {
        #expect(throws: DatabaseURLError(message)) { try DatabaseURL(parsing: text) }
    }

    @Test func isoTimestampsRoundTrip() {
        for seconds in [0.0, 1_764_400_000.123, 951_782_400.999, 4_102_444_800.5, -86_400.25] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(ISOTimestamp.date(ISOTimestamp.string(date)) == date, "\(seconds)")
        }
        #expect(ISOTimestamp.date("2025-11-29 07:06:40.12") == Date(timeIntervalSince1970: 1_764_400_000.12))
        #expect(ISOTimestamp.date("2025-11-29T07:06:40Z") == Date(timeIntervalSince1970: 1_764_400_000))
        for bad in ["", "2025-13-01T00:00:00Z", "2025-11-29T07:06:40.Z", "2025-11-29T07:06:40+03:00", "yesterday", "2025-11-29T07:06"] {
            #expect(ISOTimestamp.date(bad) == nil, "\(bad)")
        }
    }
}
