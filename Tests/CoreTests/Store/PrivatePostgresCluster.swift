import FCBStore
import FlowEngine
import Foundation

/// A PostgreSQL cluster of one test's own, for tests that stop and start the server or need
/// password authentication. Built with the binaries `scripts/with-postgres` found
/// (FCB_TEST_POSTGRES_BINDIR), as the `postgres` user when running as root.
final class PrivatePostgresCluster: Sendable {
    let directory: String
    let port: Int
    let password: String
    private let bindir: String

    static var isAvailable: Bool { ProcessInfo.processInfo.environment["FCB_TEST_POSTGRES_BINDIR"] != nil }

    /// TLS clusters also need the openssl command for their certificate.
    static var isAvailableWithTLS: Bool {
        isAvailable && ["/usr/bin/openssl", "/bin/openssl", "/usr/local/bin/openssl"].contains { FileManager.default.isExecutableFile(atPath: $0) }
    }

    private init(directory: String, port: Int, password: String, bindir: String) {
        self.directory = directory
        self.port = port
        self.password = password
        self.bindir = bindir
    }

    /// initdb with scram-sha-256 for TCP and a superuser password, then start. With `tls`, a
    /// self-signed certificate for localhost/127.0.0.1 (`certificatePath`) and `ssl=on`.
    static func start(tls: Bool = false) throws -> PrivatePostgresCluster {
        guard let bindir = ProcessInfo.processInfo.environment["FCB_TEST_POSTGRES_BINDIR"] else {
            throw StoreError(.unavailable, "FCB_TEST_POSTGRES_BINDIR is not set")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fcb-pgp-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let password = "pw-\(UUID().uuidString.prefix(8))"
        try password.write(toFile: "\(directory)/pwfile", atomically: true, encoding: .utf8)
        _ = try shell("chmod 755 \(directory); id postgres >/dev/null 2>&1 && [ $(id -u) = 0 ] && chown -R postgres \(directory); true")
        let cluster = PrivatePostgresCluster(directory: directory, port: try freePort(), password: password, bindir: bindir)
        try cluster.asPostgres(
            "\(bindir)/initdb -D \(directory)/data -U postgres --pwfile=\(directory)/pwfile --auth-host=scram-sha-256 --auth-local=trust -E UTF8 >\(directory)/initdb.log 2>&1"
        )
        if tls {
            let data = "\(directory)/data"
            try cluster.asPostgres(
                "openssl req -new -x509 -days 2 -nodes -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout \(data)/server.key -out \(data)/server.crt >/dev/null 2>&1 && chmod 600 \(data)/server.key && printf 'ssl = on\\n' >> \(data)/postgresql.conf"
            )
        }
        try cluster.startServer()
        return cluster
    }

    /// The self-signed server certificate (clusters started with `tls`).
    var certificatePath: String { "\(directory)/data/server.crt" }

    var settings: PostgresSettings {
        PostgresSettings(
            host: "127.0.0.1", port: port, username: "postgres", password: password, database: "postgres", tls: .disable, maximumConnections: 4,
            connectTimeout: .seconds(2))
    }

    func startServer() throws {
        // Every descriptor redirected: the server outlives pg_ctl and must not hold our pipes.
        try asPostgres(
            "\(bindir)/pg_ctl -D \(directory)/data -l \(directory)/server.log -w -t 30 -o '-p \(port) -k \(directory) -c listen_addresses=127.0.0.1' start </dev/null >/dev/null 2>&1"
        )
    }

    /// Stops at once, like a crash or a failover (`-m immediate`).
    func stopServer() throws {
        try asPostgres("\(bindir)/pg_ctl -D \(directory)/data -m immediate -w stop >/dev/null")
    }

    func destroy() {
        _ = try? asPostgres("\(bindir)/pg_ctl -D \(directory)/data -m immediate stop >/dev/null 2>&1; true")
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func asPostgres(_ command: String) throws {
        let wrapped = "if [ $(id -u) = 0 ] && id postgres >/dev/null 2>&1; then su postgres -s /bin/sh -c \(Self.quote(command)); else \(command); fi"
        let status = try Self.shell(wrapped)
        if status != 0 { throw StoreError(.unavailable, "command failed (\(status)): \(command)") }
    }

    private static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// posix_spawn + waitpid rather than Foundation's Process, whose exit monitoring was seen
    /// to miss the exit of a shell whose grandchild (the server) lives on.
    @discardableResult
    private static func shell(_ command: String) throws -> Int32 {
        var pid: pid_t = 0
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd in [Int32(0), 1, 2] { posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0) }
        let words: [String] = ["/bin/sh", "-c", command]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, environ)
        guard spawned == 0 else { throw StoreError(.unavailable, "cannot run /bin/sh: \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// A port nobody listens on right now (bound briefly, then released for the server).
    private static func freePort() throws -> Int {
        let reserved = try ClosedLoopbackPort()
        defer { reserved.release() }
        return reserved.port
    }
}
