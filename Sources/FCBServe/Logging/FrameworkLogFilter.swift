import Logging

/// Hummingbird's own log lines, minus one that is not an error: a connection the listener
/// answered and closed before its first request was complete (malformed HTTP, a timeout, the
/// connection limit — docs/serve.md#listener-limits) makes the WebSocket-upgrade negotiation log
/// "Error handling upgrade result". fcb has already answered that request; the line is kept at
/// debug level.
struct FrameworkLogFilter: LogHandler {
    var inner: any LogHandler

    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    static func isClosedBeforeUpgrade(_ message: Logger.Message, _ metadata: Logger.Metadata?) -> Bool {
        message.description == "Error handling upgrade result" && metadata?["error.type"]?.description == "Inappropriate operation for state"
    }

    func log(event: LogEvent) {
        if Self.isClosedBeforeUpgrade(event.message, event.metadata) {
            guard inner.logLevel <= .debug else { return }
            var quiet = event
            quiet.level = .debug
            inner.log(event: quiet)
            return
        }
        inner.log(event: event)
    }
}
