import HummingbirdWSClient
import Logging

/// One Socket.IO client over a WebSocket: Engine.IO open → CONNECT → join the contact's room
/// (ack 1), then answers pings and timestamps each round's inbound `message:new`.
struct SocketIOBenchClient: Sendable {
    let index: Int
    let url: String
    let contactId: String
    let board: SocketIOBoard
    let logger: Logger

    /// The text the benchmark's webhooks carry: `sbenchR<round>E`.
    static func marker(round: Int) -> String { "sbenchR\(round)E" }

    /// The round number in a `message:new` frame for an inbound message, if it is one of ours.
    static func round(in frame: String) -> Int? {
        guard frame.hasPrefix(#"42["message:new""#), frame.contains(#""direction":"inbound""#),
            let start = frame.range(of: "sbenchR")
        else { return nil }
        let digits = frame[start.upperBound...].prefix { $0.isASCII && $0.isNumber }
        return Int(digits)
    }

    private enum Phase { case awaitingOpen, awaitingConnect, awaitingJoin, joined }

    func run() async {
        do {
            try await WebSocketClient.connect(url: url, logger: logger) { inbound, outbound, _ in
                board.opened()
                defer { board.ended(index) }
                try await converse(inbound: inbound, outbound: outbound)
            }
        } catch {
            board.failed("websocket: \(String(describing: error).prefix(80))")
        }
    }

    private func converse(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        var phase = Phase.awaitingOpen
        for try await message in inbound.messages(maxSize: 1 << 20) {
            let received = monotonicNanos()
            guard case .text(let text) = message else { continue }
            if text == "2" {
                try await outbound.write(.text("3"))
                board.pingAnswered()
                continue
            }
            switch phase {
            case .awaitingOpen:
                guard text.hasPrefix("0{") else { return board.failed("expected an Engine.IO open packet") }
                try await outbound.write(.text("40"))
                phase = .awaitingConnect
            case .awaitingConnect:
                guard text.hasPrefix("40") else { return board.failed("CONNECT refused: \(text.prefix(60))") }
                try await outbound.write(.text(#"421["join:conversation",""# + contactId + #""]"#))
                phase = .awaitingJoin
            case .awaitingJoin:
                guard text.hasPrefix("431["), text.contains(#""ok":true"#) else { return board.failed("join refused: \(text.prefix(60))") }
                board.joined(index, writer: outbound)
                phase = .joined
            case .joined:
                board.event()
                if let round = Self.round(in: text) { board.receipt(round: round, at: received) }
            }
        }
        if phase != .joined { board.failed("closed by the server during the handshake") }
    }
}
