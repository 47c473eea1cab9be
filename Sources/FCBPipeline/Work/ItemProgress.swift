import Crypto
import FCBSupport
import FlowEngine
import Foundation

/// Where an item's work stands, kept on the inbox row (`progress`) so that a restart — or
/// another instance — continues instead of starting over (docs/differences.md#restart-safe-runs).
struct ItemProgress: Sendable, Equatable {
    enum Stage: String, Sendable {
        /// The executor was about to start on `sessionId`, whose state then had `baseline`.
        case run
        /// Suspended at a delay; continue at the session's current node when due.
        case wait
    }

    var stage: Stage?
    var sessionId: String?
    /// Fingerprint of the session (status, node, context) just before the run: unchanged means
    /// the executor never wrote, so the item is routed again from the start.
    var baseline: String?
    /// The send started last: node and the id its Message row gets.
    var send: (nodeId: String, rowId: String)?
    /// Meta answered that send with "not accepted" (docs/serve.md#graph-outages): sending it
    /// again is safe. Cleared when it is sent again, so a crash during that attempt is of
    /// unknown outcome like any other.
    var sendRejected = false
    /// Since when the item's current send has been deferred, and how many times.
    var deferral: (since: Date, count: Int)?
    /// The `api` node whose call (not safe to repeat) was started last.
    var callNodeId: String?
    /// A manual trigger's HTTP answer.
    var result: TriggerResult?
    /// Where a suspended run continues, and when.
    var resumeNode: String?
    var until: Date?

    static func == (a: ItemProgress, b: ItemProgress) -> Bool {
        a.stage == b.stage && a.sessionId == b.sessionId && a.baseline == b.baseline && a.send?.nodeId == b.send?.nodeId
            && a.send?.rowId == b.send?.rowId && a.sendRejected == b.sendRejected && a.deferral?.since == b.deferral?.since
            && a.deferral?.count == b.deferral?.count && a.callNodeId == b.callNodeId && a.result == b.result && a.resumeNode == b.resumeNode
            && a.until == b.until
    }

    init() {}

    init(json: JSONValue?) {
        stage = json?["stage"]?.stringValue.flatMap(Stage.init(rawValue:))
        sessionId = json?["sessionId"]?.stringValue
        baseline = json?["baseline"]?.stringValue
        if let node = json?["send"]?["nodeId"]?.stringValue, let row = json?["send"]?["rowId"]?.stringValue { send = (node, row) }
        sendRejected = json?["send"]?["rejected"] == .bool(true)
        callNodeId = json?["call"]?["nodeId"]?.stringValue
        if let since = json?["deferral"]?["since"]?.stringValue.flatMap(ISOTimestamp.date) {
            deferral = (since, json?["deferral"]?["count"]?.numberValue.flatMap { Int(exactly: $0) } ?? 1)
        }
        result = TriggerResult(progress: json)
        resumeNode = json?["resumeNode"]?.stringValue
        until = json?["until"]?.stringValue.flatMap(ISOTimestamp.date)
    }

    var json: JSONValue? {
        var object: JSONObject = [:]
        if let stage { object["stage"] = .string(stage.rawValue) }
        if let sessionId { object["sessionId"] = .string(sessionId) }
        if let baseline { object["baseline"] = .string(baseline) }
        if let send {
            var entry: JSONObject = ["nodeId": .string(send.nodeId), "rowId": .string(send.rowId)]
            if sendRejected { entry["rejected"] = true }
            object["send"] = .object(entry)
        }
        if let callNodeId { object["call"] = ["nodeId": .string(callNodeId)] }
        if let deferral {
            object["deferral"] = ["since": .string(ISOTimestamp.string(deferral.since)), "count": .number(Double(deferral.count))]
        }
        if let result { object["result"] = result.json }
        if let resumeNode { object["resumeNode"] = .string(resumeNode) }
        if let until { object["until"] = .string(ISOTimestamp.string(until)) }
        return object.isEmpty ? nil : .object(object)
    }

    static func fingerprint(_ session: SessionRecord) -> String {
        let text = [session.status, session.currentNodeId ?? "\u{0}", session.context?.serialized() ?? "\u{0}"].joined(separator: "\u{1}")
        return SHA256.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
