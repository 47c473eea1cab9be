import FCBSupport
import Foundation
import Logging
import WhatsAppCloud

/// The realtime figures of docs/targets.md#performance against a running `fcb serve`: N Socket.IO
/// clients joined to one conversation, the server's RSS per connection, and the latency from a
/// webhook POST to each client's `message:new`. Clients and server share the machine, so the
/// figures include both.
func benchmarkSocketIO(_ options: SocketIOOptions) async -> Bool {
    var logger = Logger(label: "fcb-bench.socketio")
    logger.logLevel = .critical
    let board = SocketIOBoard()
    let pid = options.serverPid
    let cores = ProcessInfo.processInfo.activeProcessorCount
    say("socket.io benchmark: \(options.clients) clients → \(options.socketURL), room conversation:\(options.contactId), \(options.rounds) rounds")
    say("note: the clients (this process) and the server share this \(cores)-core machine; every figure includes both")
    let baseline = ProcessSample(pid: pid)
    let selfBaseline = ProcessSample.vmRSS(pid: "self")
    say("server before connecting: \(baseline.description)")

    var report = SocketIOReport(options: options, baseline: baseline)
    await withTaskGroup(of: Void.self) { group in
        // 1. Connect with at most `concurrency` handshakes in flight.
        let started = monotonicNanos()
        var launched = 0
        while launched < options.clients {
            let s = board.snapshot
            let settled = s.joined + s.failures.values.reduce(0, +)
            if launched - settled >= options.concurrency {
                try? await Task.sleep(for: .milliseconds(1))
                continue
            }
            let client = SocketIOBenchClient(index: launched, url: options.socketURL, contactId: options.contactId, board: board, logger: logger)
            group.addTask { await client.run() }
            launched += 1
        }
        _ = await waitUntil(timeout: .seconds(120), step: .milliseconds(5)) {
            let s = board.snapshot
            return s.joined + s.failures.values.reduce(0, +) >= options.clients
        }
        let afterConnect = board.snapshot
        report.joined = afterConnect.joined
        report.failures = afterConnect.failures
        report.setupSeconds = Double(max(afterConnect.lastJoinAt, started) - started) / 1e9
        say(String(format: "connected: %d of %d joined in %.2f s (%.0f handshakes/s)", report.joined, options.clients, report.setupSeconds, report.setupRate))
        for (reason, count) in afterConnect.failures.sorted(by: { $0.value > $1.value }) { say("  failed: \(count)× \(reason)") }

        // 2. Memory with everyone connected, once the server has settled.
        try? await Task.sleep(for: .seconds(2))
        report.connected = ProcessSample(pid: pid)
        say("server with \(report.joined) connected: \(report.connected.description)")
        if let own = ProcessSample.vmRSS(pid: "self"), let selfBaseline {
            say("  (this client process: \(own - selfBaseline) KiB for \(report.joined) clients)")
        }

        // 3. Fan-out rounds: round 0 warms the webhook client up and is not counted.
        let replayer = WebhookReplayer(options: .init(url: options.webhookURL, secret: options.secret, timeout: .seconds(30)))
        let synthesizer = WebhookSynthesizer(from: options.from)
        for round in 0...options.rounds where report.joined > 0 {
            let result = await fanOutRound(round, options: options, board: board, replayer: replayer, synthesizer: synthesizer)
            if round > 0 { report.rounds.append(result) }
            say(result.line(round: round))
            try? await Task.sleep(for: options.settle)
        }
        await replayer.shutdown()
        report.afterRounds = ProcessSample(pid: pid)
        let s = board.snapshot
        report.unexpectedCloses = s.unexpectedCloses
        report.pingsAnswered = s.pingsAnswered
        report.strayReceipts = s.strayReceipts
        say(
            "server after the rounds: \(report.afterRounds.description); clients answered \(s.pingsAnswered) pings, received \(s.eventsReceived) events, \(s.unexpectedCloses) closed unexpectedly"
        )

        // 4. Close every client and watch the server let go.
        let closeStart = monotonicNanos()
        for writer in board.beginClosing() { try? await writer.close(.normalClosure, reason: nil) }
        let allEnded = await waitUntil(timeout: .seconds(30), step: .milliseconds(10)) { board.snapshot.alive <= 0 }
        _ = await waitUntil(timeout: .seconds(10), step: .milliseconds(50)) {
            (ProcessSample(pid: pid).openFiles ?? 0) <= (baseline.openFiles ?? 0) + 2
        }
        report.closeSeconds = Double(monotonicNanos() - closeStart) / 1e9
        try? await Task.sleep(for: .seconds(1))
        report.afterClose = ProcessSample(pid: pid)
        say(
            String(
                format: "closed: clients %@ in %.2f s; server now: %@", allEnded ? "all ended" : "NOT all ended", report.closeSeconds,
                report.afterClose.description))
        group.cancelAll()
        await group.waitForAll()
    }
    for line in report.table() { print(line) }
    return report.passed
}

private func fanOutRound(
    _ round: Int, options: SocketIOOptions, board: SocketIOBoard, replayer: WebhookReplayer, synthesizer: WebhookSynthesizer
) async -> RoundResult {
    let expected = board.roundProgress().joined
    board.startRound(round)
    let id = WebhookRewrite.freshMessageId(random: SystemRandomSource())
    let body = synthesizer.textMessage(SocketIOBenchClient.marker(round: round), messageId: id, at: Date())
    let plan = WebhookReplayer.plan([.init(name: "round \(round)", bytes: body)], repeat: 1, shuffle: nil)
    let sent = monotonicNanos()
    let outcome = await replayer.run(plan) { _ in }.first
    let answered = monotonicNanos()
    _ = await waitUntil(timeout: options.roundTimeout) { board.roundProgress().receipts >= expected }
    let receipts = board.endRound()
    return RoundResult(
        expected: expected, latencies: receipts.map { milliseconds($0 &- sent) }.sorted(), postMilliseconds: milliseconds(answered - sent),
        postStatus: outcome?.status, postError: outcome?.error)
}

func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
