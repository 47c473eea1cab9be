import Core
import Foundation

/// One request the fake received, exactly as it arrived.
public struct FakeGraphRequest: Sendable, Equatable {
    public struct Header: Sendable, Equatable {
        public let name: String
        public let value: String
    }

    /// 1, 2, 3, … in arrival order.
    public let sequence: Int
    public let method: String
    /// Without the query string.
    public let path: String
    public let query: String?
    /// In the order they arrived, names as sent.
    public let headers: [Header]
    /// The exact body bytes.
    public let body: [UInt8]
    public let receivedAt: Date
    /// Set for Graph API paths (`/{version}/{phoneNumberId}/{edge}`).
    public let graph: GraphPath?
    /// Requests to the same business number and recipient still unanswered when this one
    /// arrived (0 when sends to one contact are strictly sequential).
    public let inFlightForRecipient: Int
    /// Requests of any kind still unanswered when this one arrived.
    public let inFlight: Int
    /// The status the fake answered with; nil while unanswered or when the connection was dropped.
    public internal(set) var responseStatus: Int?

    /// `/{version}/{phoneNumberId}/{edge}`.
    public struct GraphPath: Sendable, Equatable {
        public let version: String
        public let phoneNumberId: String
        /// `messages`, `register`, …
        public let edge: String
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as JSON, when it is JSON.
    public var json: JSONValue? { try? JSONValue(parsing: body) }

    /// The `to` of a messages request.
    public var recipient: String? { json?["to"]?.stringValue }

    /// The first header with this name (case-insensitive).
    public func header(_ name: String) -> String? {
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
