import Foundation

/// wrk's closed-loop figures for the webhook.
struct WrkResult {
    var requestsPerSecond = 0.0
    var p50 = Double.nan
    var p99 = Double.nan
    var non2xx = 0
    var requests = 0
    var generated = 0
}

/// wrk with a Lua script that cycles through pre-signed, distinct deliveries (each thread its
/// own share), so every request is a new message that costs a real durable insert.
func runWrk(_ wrk: String, url: String, options: PipelineOptions, work: String) async -> WrkResult? {
    let count = min(max(options.wrkSeconds * 8000, 1000), 200_000)
    let requestsPath = work + "/wrk-requests.tsv"
    var text = ""
    text.reserveCapacity(count * 900)
    for index in 0..<count {
        let item = PipelineFixture.delivery(phase: "wrk", index: index, contacts: options.contacts)
        text += item.signature + "\t" + String(decoding: item.body, as: UTF8.self) + "\n"
    }
    let script = #"""
        -- Each thread loads every n-th pre-signed delivery and sends them in turn.
        local threads = {}
        local counter = 0
        function setup(thread)
          thread:set("id", counter)
          counter = counter + 1
          table.insert(threads, thread)
        end
        function init(args)
          local path, total = args[1], tonumber(args[2])
          requests = {}
          local n = 0
          for line in io.lines(path) do
            if n % total == id then
              local tab = string.find(line, "\t", 1, true)
              local headers = {["Content-Type"] = "application/json", ["X-Hub-Signature-256"] = string.sub(line, 1, tab - 1)}
              table.insert(requests, wrk.format("POST", nil, headers, string.sub(line, tab + 1)))
            end
            n = n + 1
          end
          position = 0
        end
        function request()
          position = position % #requests + 1
          return requests[position]
        end
        """#
    let scriptPath = work + "/webhook.lua"
    do {
        try text.write(toFile: requestsPath, atomically: true, encoding: .utf8)
        try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
    } catch {
        return nil
    }
    let threads = 2
    guard
        let out = await runCommandDetached(
            wrk,
            [
                "-t", String(threads), "-c", String(options.wrkConnections), "-d", "\(options.wrkSeconds)s", "--latency", "--timeout", "30s",
                "-s", scriptPath, url, "--", requestsPath, String(threads),
            ])
    else { return nil }
    var result = WrkResult(generated: count)
    for raw in out.split(separator: "\n") {
        let line = raw.trimmingCharacters(in: .whitespaces)
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        if line.hasPrefix("Requests/sec:"), fields.count > 1 { result.requestsPerSecond = Double(fields[1]) ?? 0 }
        if line.hasPrefix("50%"), fields.count > 1 { result.p50 = wrkMilliseconds(String(fields[1])) }
        if line.hasPrefix("99%"), fields.count > 1 { result.p99 = wrkMilliseconds(String(fields[1])) }
        if line.hasPrefix("Non-2xx or 3xx responses:"), let last = fields.last { result.non2xx = Int(last) ?? 0 }
        if line.contains(" requests in "), let first = fields.first { result.requests = Int(first) ?? 0 }
    }
    return result
}

/// wrk's durations ("812.00us", "1.23ms", "2.01s") in milliseconds.
func wrkMilliseconds(_ text: String) -> Double {
    for (suffix, factor) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0), ("m", 60_000.0)] where text.hasSuffix(suffix) {
        if let value = Double(text.dropLast(suffix.count)) { return value * factor }
    }
    return .nan
}
