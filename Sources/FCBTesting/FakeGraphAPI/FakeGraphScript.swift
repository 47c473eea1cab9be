import FlowEngine

/// Rules from a JSON script (`fcb dev fake-graph --script FILE`): an array of rule objects, or
/// `{"rules":[…]}`. Each object may have
/// - `phone_number_id`, `to`, `edge` (`messages`, `register`, `other`) to narrow the match;
/// - `times` (default 1) or `"always": true`;
/// - `delay_ms` before answering;
/// - one reply: `"error": CODE` (with optional `http_status`, `subcode`, `message`),
///   `"status": N` (with optional `body`), `"drop": true`; none means success.
///
/// ```json
/// [{"phone_number_id": "106540352242922", "times": 2, "error": 130429},
///  {"edge": "messages", "status": 503, "body": "upstream unavailable"},
///  {"delay_ms": 20000}, {"drop": true}]
/// ```
package enum FakeGraphScript {
    package struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        package let description: String
    }

    package static func rules(from bytes: [UInt8]) throws(Problem) -> [FakeGraphRule] {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: bytes)
        } catch {
            throw Problem(description: "script is not valid JSON: \(error.message)")
        }
        let items: [JSONValue]
        if let array = value.arrayValue {
            items = array
        } else if let array = value["rules"]?.arrayValue {
            items = array
        } else {
            throw Problem(description: "script must be a JSON array of rules or an object with a \"rules\" array")
        }
        var rules: [FakeGraphRule] = []
        for (index, item) in items.enumerated() {
            rules.append(try rule(item, index: index))
        }
        return rules
    }

    private static let knownKeys: Set<String> = [
        "phone_number_id", "to", "edge", "times", "always", "delay_ms", "error", "http_status", "subcode", "message", "status", "body",
        "drop", "comment",
    ]

    private static func rule(_ item: JSONValue, index: Int) throws(Problem) -> FakeGraphRule {
        let at = "rule \(index + 1)"
        guard let object = item.objectValue else { throw Problem(description: "\(at): expected an object") }
        if let unknown = object.keys.first(where: { !knownKeys.contains($0) }) {
            throw Problem(description: "\(at): unknown key \"\(unknown)\" (known: \(knownKeys.sorted().joined(separator: ", ")))")
        }
        func string(_ key: String) throws(Problem) -> String? {
            guard let value = object[key] else { return nil }
            if let s = value.stringValue { return s }
            if let n = value.numberValue, n == n.rounded() { return jsNumberString(n) }
            throw Problem(description: "\(at): \(key) must be a string")
        }
        func int(_ key: String) throws(Problem) -> Int? {
            guard let value = object[key] else { return nil }
            guard let n = value.numberValue, n == n.rounded(), n >= 0, n < 1e9 else {
                throw Problem(description: "\(at): \(key) must be a non-negative integer")
            }
            return Int(n)
        }
        var edge: FakeGraphRule.Edge?
        if let name = try string("edge") {
            guard let parsed = FakeGraphRule.Edge(rawValue: name) else {
                throw Problem(description: "\(at): edge must be messages, register or other")
            }
            edge = parsed
        }
        let reply: FakeGraphReply
        if let code = try int("error") {
            reply = .graphError(code: code, httpStatus: try int("http_status"), subcode: try int("subcode"), message: try string("message"))
        } else if let status = try int("status") {
            guard (100...599).contains(status) else { throw Problem(description: "\(at): status must be an HTTP status (100–599)") }
            reply = .status(status, body: try string("body") ?? "")
        } else if object["drop"]?.boolValue == true {
            reply = .drop
        } else {
            reply = .success
        }
        let always = object["always"]?.boolValue == true
        return FakeGraphRule(
            phoneNumberId: try string("phone_number_id"), recipient: try string("to"), edge: edge, times: always ? nil : (try int("times") ?? 1),
            delayMilliseconds: try int("delay_ms") ?? 0, reply: reply)
    }
}
