import WhatsAppCloud

/// `fcb-bench socketio --server http://127.0.0.1:PORT --contact ID --server-pid PID [...]`
struct SocketIOOptions {
    var server = ""
    var contactId = ""
    var serverPid = ""
    var secret = "demo-secret"
    var from = WebhookSynthesizer.defaultFrom
    var clients = 5000
    var rounds = 20
    /// Handshakes in flight at once while connecting.
    var concurrency = 200
    var roundTimeout: Duration = .seconds(15)
    /// Quiet time after each round, so its replies and typing events are delivered first.
    var settle: Duration = .milliseconds(400)

    static let usage = """
        usage: fcb-bench socketio --server http://127.0.0.1:PORT --contact CONTACT_ID --server-pid PID
               [--secret demo-secret] [--from PHONE] [--clients 5000] [--rounds 20] [--concurrency 200]
               [--round-timeout SECONDS] [--settle MILLISECONDS]
        """

    init(_ arguments: ArraySlice<String>) throws(UsageError) {
        for option in try FlagValue.all(in: arguments) {
            let value = option.value
            switch option.flag {
            case "--server": server = value.hasSuffix("/") ? String(value.dropLast()) : value
            case "--contact": contactId = value
            case "--server-pid": serverPid = value
            case "--secret": secret = value
            case "--from": from = value
            case "--clients": clients = try option.number(1...100_000)
            case "--rounds": rounds = try option.number(1...10_000)
            case "--concurrency": concurrency = try option.number(1...10_000)
            case "--round-timeout": roundTimeout = .seconds(try option.number(1...600))
            case "--settle": settle = .milliseconds(try option.number(0...60_000))
            default: throw UsageError("unknown option \(option.flag)")
            }
        }
        guard server.hasPrefix("http://"), !contactId.isEmpty, Int(serverPid) != nil else {
            throw UsageError("--server (http://HOST:PORT), --contact and --server-pid are required")
        }
    }

    var socketURL: String { "ws://" + server.dropFirst("http://".count) + "/socket.io/?EIO=4&transport=websocket" }
    var webhookURL: String { server + "/webhook" }
}

/// One `--flag value` pair of a benchmark's command line.
struct FlagValue {
    let flag: String
    let value: String

    /// The pairs in order; a flag without a value is an error.
    static func all(in arguments: ArraySlice<String>) throws(UsageError) -> [FlagValue] {
        var rest = arguments
        var pairs: [FlagValue] = []
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw UsageError("\(flag) needs a value") }
            pairs.append(FlagValue(flag: flag, value: value))
        }
        return pairs
    }

    /// The value as a whole number within `range`.
    func number(_ range: ClosedRange<Int>) throws(UsageError) -> Int {
        guard let n = Int(value), range.contains(n) else { throw UsageError("\(flag) must be a number in \(range)") }
        return n
    }
}

struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
