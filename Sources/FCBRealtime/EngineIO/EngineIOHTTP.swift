import FlowEngine

/// A request to `/socket.io/` as the Engine.IO server sees it, free of any HTTP framework.
package struct EngineIOHTTPRequest: Sendable {
    package enum Body: Sendable, Equatable {
        case bytes([UInt8])
        /// Longer than `maxPayload`: not read, answered 413.
        case tooLarge
    }

    package var method: String
    /// Every value of each query parameter, in order.
    package var query: [String: [String]]
    /// Header values by lower-cased name.
    package var headers: [String: String]
    package var body: Body
    package var remoteAddress: String?

    package init(method: String, query: [String: [String]], headers: [String: String] = [:], body: Body = .bytes([]), remoteAddress: String? = nil) {
        self.method = method
        self.query = query
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
    }

    /// The value of a parameter given exactly once (a repeated one is as bad as a missing one).
    func single(_ name: String) -> String? {
        guard let values = query[name], values.count == 1 else { return nil }
        return values[0]
    }

    var connectionInfo: EngineIOConnectionInfo {
        var first: [String: String] = [:]
        for (name, values) in query { if let value = values.first { first[name] = value } }
        return EngineIOConnectionInfo(query: first, headers: headers, remoteAddress: remoteAddress)
    }
}

package struct EngineIOHTTPResponse: Sendable, Equatable {
    package var status: Int
    package var headers: [String: String]
    package var body: [UInt8]

    package init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    package var text: String { String(decoding: body, as: UTF8.self) }

    static func text(_ text: String, contentType: String = "text/plain; charset=UTF-8") -> EngineIOHTTPResponse {
        EngineIOHTTPResponse(status: 200, headers: ["content-type": contentType], body: Array(text.utf8))
    }
}

/// The reference server's request errors: HTTP 400 (403 for `forbidden`) with
/// `{"code":N,"message":"…"}`, which clients log as the reason.
package enum EngineIORequestError: Int, Error, Sendable, CaseIterable {
    case unknownTransport = 0
    case unknownSid = 1
    case badHandshakeMethod = 2
    case badRequest = 3
    case forbidden = 4
    case unsupportedProtocolVersion = 5

    package var message: String {
        switch self {
        case .unknownTransport: "Transport unknown"
        case .unknownSid: "Session ID unknown"
        case .badHandshakeMethod: "Bad handshake method"
        case .badRequest: "Bad request"
        case .forbidden: "Forbidden"
        case .unsupportedProtocolVersion: "Unsupported protocol version"
        }
    }

    package var status: Int { self == .forbidden ? 403 : 400 }

    var response: EngineIOHTTPResponse {
        let body: JSONValue = ["code": .number(Double(rawValue)), "message": .string(message)]
        return EngineIOHTTPResponse(status: status, headers: ["content-type": "application/json"], body: Array(body.serialized().utf8))
    }
}
