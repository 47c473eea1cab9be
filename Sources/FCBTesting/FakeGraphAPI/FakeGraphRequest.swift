import FlowEngine
import Foundation

/// One request the fake received, exactly as it arrived.
package struct FakeGraphRequest: Sendable, Equatable {
    package struct Header: Sendable, Equatable {
        package let name: String
        package let value: String
    }

    /// 1, 2, 3, … in arrival order.
    package let sequence: Int
    package let method: String
    /// Without the query string.
    package let path: String
    package let query: String?
    /// In the order they arrived, names as sent.
    package let headers: [Header]
    /// The exact body bytes.
    package let body: [UInt8]
    package let receivedAt: Date
    /// Set for Graph API paths (`/{version}/{phoneNumberId}/{edge}`).
    package let graph: GraphPath?
    /// Requests to the same business number and recipient still unanswered when this one
    /// arrived (0 when sends to one contact are strictly sequential).
    package let inFlightForRecipient: Int
    /// Requests of any kind still unanswered when this one arrived.
    package let inFlight: Int
    /// The status the fake answered with; nil while unanswered or when the connection was dropped.
    package internal(set) var responseStatus: Int?

    /// `/{version}/{phoneNumberId}/{edge}`.
    package struct GraphPath: Sendable, Equatable {
        package let version: String
        package let phoneNumberId: String
        /// `messages`, `register`, …
        package let edge: String
    }

    package var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as JSON, when it is JSON.
    package var json: JSONValue? { try? JSONValue(parsing: body) }

    /// The `to` of a messages request.
    package var recipient: String? { json?["to"]?.stringValue }

    /// The first header with this name (case-insensitive).
    package func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }

    static func parseGraphPath(_ path: String) -> GraphPath? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        // "", version, phoneNumberId, edge
        guard parts.count == 4, parts[0].isEmpty, parts[1].hasPrefix("v"), !parts[2].isEmpty, !parts[3].isEmpty else { return nil }
        let id = String(parts[2]).removingPercentEncoding ?? String(parts[2])
        return GraphPath(version: String(parts[1]), phoneNumberId: id, edge: String(parts[3]))
    }
}
