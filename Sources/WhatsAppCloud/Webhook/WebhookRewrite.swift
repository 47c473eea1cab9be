import FCBSupport
import FlowEngine
import Foundation

/// `replay-webhook --rewrite from=…,phone_number_id=…,id=fresh,timestamp=now`: changes a few
/// values of a recorded delivery in place, byte for byte, leaving every other byte (formatting,
/// escapes, key order) exactly as recorded.
///
/// - `from`: `messages[].from`, `contacts[].wa_id` and `statuses[].recipient_id`;
/// - `phone_number_id`: `metadata.phone_number_id`;
/// - `id=fresh`: a new unique `messages[].id` for every POST (so the server sees a new
///   message, not a redelivery);
/// - `timestamp=now` (or Unix seconds): `messages[].timestamp` and `statuses[].timestamp`.
///
/// Only values that are present are replaced; nothing is added.
package struct WebhookRewrite: Sendable, Equatable {
    package var from: String?
    package var phoneNumberId: String?
    package var freshIds = false
    package var timestamp: Timestamp?

    package enum Timestamp: Sendable, Equatable {
        case now
        case seconds(Int64)
    }

    package init(from: String? = nil, phoneNumberId: String? = nil, freshIds: Bool = false, timestamp: Timestamp? = nil) {
        self.from = from
        self.phoneNumberId = phoneNumberId
        self.freshIds = freshIds
        self.timestamp = timestamp
    }

    package var isEmpty: Bool { from == nil && phoneNumberId == nil && !freshIds && timestamp == nil }

    package struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        package let description: String
    }

    /// Parses `key=value,key=value`.
    package static func parse(_ spec: String) throws(Problem) -> WebhookRewrite {
        var rewrite = WebhookRewrite()
        for part in spec.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { String($0).trimmingJSWhitespace() }
            guard pair.count == 2, !pair[0].isEmpty else {
                throw Problem(description: "--rewrite: \"\(part)\" is not key=value (e.g. from=5491155550000,id=fresh,timestamp=now)")
            }
            let (key, value) = (pair[0], pair[1])
            switch key {
            case "from":
                guard let digits = PhoneNumber.normalize(value) else {
                    throw Problem(description: "--rewrite: from=\(value) has no digits; give the contact's phone number")
                }
                rewrite.from = digits
            case "phone_number_id":
                guard !value.isEmpty else { throw Problem(description: "--rewrite: phone_number_id is empty") }
                rewrite.phoneNumberId = value
            case "id":
                guard value == "fresh" else { throw Problem(description: "--rewrite: id takes only the value fresh (a new id per POST)") }
                rewrite.freshIds = true
            case "timestamp":
                if value == "now" {
                    rewrite.timestamp = .now
                } else if let seconds = Int64(value), seconds >= 0 {
                    rewrite.timestamp = .seconds(seconds)
                } else {
                    throw Problem(description: "--rewrite: timestamp takes now or Unix seconds, not \(value)")
                }
            default:
                throw Problem(description: "--rewrite: unknown key \"\(key)\"; use from, phone_number_id, id or timestamp")
            }
        }
        if rewrite.isEmpty { throw Problem(description: "--rewrite: nothing to rewrite") }
        return rewrite
    }

    /// The rewritten bytes. `makeId` gives each fresh message id; `now` is used for `timestamp=now`.
    /// Bodies that are not JSON objects are returned unchanged (they are replayed as they are).
    package func apply(to bytes: [UInt8], now: Date, makeId: () -> String) -> [UInt8] {
        guard !isEmpty, let root = try? JSONParser().parse(bytes), root.members != nil else { return bytes }
        let stamp: String? = timestamp.map {
            switch $0 {
            case .now: String(Int64(now.timeIntervalSince1970.rounded(.down)))
            case .seconds(let s): String(s)
            }
        }
        var edits: [(range: Range<Int>, text: String)] = []
        func replace(_ node: JSONNode?, with text: String) {
            guard let node, let end = Self.scalarEnd(of: node, in: bytes) else { return }
            // A number stays a number when the new value is numeric; everything else is a string.
            let literal = node.number != nil && Double(text) != nil ? text : JSONValue.string(text).serialized()
            edits.append((node.offset..<end, literal))
        }
        for entry in root["entry"]?.elements ?? [] {
            for change in entry["changes"]?.elements ?? [] {
                guard let value = change["value"] else { continue }
                if let phoneNumberId { replace(value["metadata"]?["phone_number_id"], with: phoneNumberId) }
                if let from {
                    for contact in value["contacts"]?.elements ?? [] { replace(contact["wa_id"], with: from) }
                    for status in value["statuses"]?.elements ?? [] { replace(status["recipient_id"], with: from) }
                }
                for message in value["messages"]?.elements ?? [] {
                    if let from { replace(message["from"], with: from) }
                    if freshIds { replace(message["id"], with: makeId()) }
                    if let stamp { replace(message["timestamp"], with: stamp) }
                }
                if let stamp {
                    for status in value["statuses"]?.elements ?? [] { replace(status["timestamp"], with: stamp) }
                }
            }
        }
        guard !edits.isEmpty else { return bytes }
        edits.sort { $0.range.lowerBound < $1.range.lowerBound }
        var out = [UInt8]()
        out.reserveCapacity(bytes.count + 64)
        var cursor = 0
        for edit in edits where edit.range.lowerBound >= cursor {
            out.append(contentsOf: bytes[cursor..<edit.range.lowerBound])
            out.append(contentsOf: Array(edit.text.utf8))
            cursor = edit.range.upperBound
        }
        out.append(contentsOf: bytes[cursor...])
        return out
    }

    /// The offset just past a string, number, boolean or null token; nil for objects and arrays.
    static func scalarEnd(of node: JSONNode, in bytes: [UInt8]) -> Int? {
        var i = node.offset
        switch node.kind {
        case .string:
            i += 1
            while i < bytes.count {
                if bytes[i] == UInt8(ascii: "\\") {
                    i += 2
                    continue
                }
                if bytes[i] == UInt8(ascii: "\"") { return i + 1 }
                i += 1
            }
            return nil
        case .number:
            while i < bytes.count, "0123456789+-.eE".utf8.contains(bytes[i]) { i += 1 }
            return i
        case .bool(let b): return i + (b ? 4 : 5)
        case .null: return i + 4
        case .array, .object: return nil
        }
    }

    /// `wamid.` plus 40 random hex digits: unique, and shaped like Meta's ids for logs.
    package static func freshMessageId(random: any RandomSource) -> String {
        var bytes = [UInt8]()
        for _ in 0..<20 { bytes.append(UInt8(random.index(below: 256))) }
        return "wamid.FCB" + Hex.encode(bytes).uppercased()
    }
}
