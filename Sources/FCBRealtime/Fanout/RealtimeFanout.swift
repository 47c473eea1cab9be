/// Carries realtime events between `fcb serve` instances sharing a database.
package protocol RealtimeFanout: Sendable {
    /// Sends `event` to the other instances (never back to this one). Never throws: a failure is
    /// logged and the event is lost for other instances only (the dashboard also polls).
    func publish(_ event: RealtimeEvent) async
    /// Delivers events published by *other* instances, until the calling task is cancelled.
    /// Reconnects by itself (with backoff 0.5 s … 5 s, jittered) after the connection is lost,
    /// re-issuing LISTEN; never returns early on errors.
    func receive(_ deliver: @escaping @Sendable (RealtimeEvent) async -> Void) async
    /// Runs what publishing needs (PostgreSQL's pool) until the calling task is cancelled.
    func run() async
}
