/// `fcb-bench pipeline --fcb PATH --database-url postgres://… [...]`: the serve-side figures of
/// docs/targets.md#performance (webhook ack, end to end, RSS) against a real `fcb serve` on PostgreSQL.
struct PipelineOptions {
    var fcb = ""
    var databaseURL = ""
    /// Sustained webhook rate for the ack-latency phase (target: p99 ≤ 10 ms at 1,000/s).
    var ackRate = 1000
    var ackSeconds = 10
    /// wrk's closed-loop phase: connections and seconds.
    var wrkConnections = 16
    var wrkSeconds = 10
    /// Sustained rate for the end-to-end latency phase (target: ≥ 500/s, p99 ≤ 50 ms).
    var e2eRate = 500
    var e2eSeconds = 10
    /// Messages posted as fast as they are acknowledged for the end-to-end throughput phase.
    var burst = 5000
    /// The same burst against `fcb serve` on SQLite (target: ≥ 250 messages/s); 0 skips it.
    var sqliteBurst = 2000
    var contacts = 1000
    var workers = 8
    var pgbenchSeconds = 5

    static let usage = """
        usage: fcb-bench pipeline --fcb PATH --database-url postgres://USER@HOST:PORT/DB
               [--ack-rate 1000] [--ack-seconds 10] [--wrk-connections 16] [--wrk-seconds 10]
               [--e2e-rate 500] [--e2e-seconds 10] [--burst 5000] [--contacts 1000] [--workers 8]
               [--pgbench-seconds 5] [--sqlite-burst 2000]
        """

    init(_ arguments: ArraySlice<String>) throws(UsageError) {
        for option in try FlagValue.all(in: arguments) {
            let value = option.value
            switch option.flag {
            case "--fcb": fcb = value
            case "--database-url": databaseURL = value
            case "--ack-rate": ackRate = try option.number(1...100_000)
            case "--ack-seconds": ackSeconds = try option.number(1...600)
            case "--wrk-connections": wrkConnections = try option.number(1...1000)
            case "--wrk-seconds": wrkSeconds = try option.number(0...600)
            case "--e2e-rate": e2eRate = try option.number(1...100_000)
            case "--e2e-seconds": e2eSeconds = try option.number(1...600)
            case "--burst": burst = try option.number(1...1_000_000)
            case "--contacts": contacts = try option.number(1...1_000_000)
            case "--workers": workers = try option.number(1...256)
            case "--pgbench-seconds": pgbenchSeconds = try option.number(0...600)
            case "--sqlite-burst": sqliteBurst = try option.number(0...1_000_000)
            default: throw UsageError("unknown option \(option.flag)")
            }
        }
        guard !fcb.isEmpty, databaseURL.hasPrefix("postgres") else {
            throw UsageError("--fcb (the fcb binary) and --database-url (postgres://…) are required")
        }
    }
}
