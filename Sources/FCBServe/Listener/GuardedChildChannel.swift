import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL

/// A listener's child channel with its guards (docs/serve.md#listener-limits): the
/// ``ConnectionGateHandler`` first in the pipeline, the ``RequestTimingHandler`` right after the
/// HTTP/1 decoder, around whatever the base channel sets up (HTTP/1, the WebSocket upgrade, TLS).
struct GuardedChildChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base
    let gate: ConnectionGate
    let limits: ListenerLimits
    /// Plain HTTP: a refused connection gets a 503; over TLS it is closed.
    let plainHTTP: Bool

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let activity = ConnectionActivity()
        do {
            try channel.pipeline.syncOperations.addHandler(
                ConnectionGateHandler(gate: gate, activity: activity, answersPlainHTTP: plainHTTP), position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        let limits = limits
        return base.setup(channel: channel, logger: logger).assumeIsolated().flatMapThrowing { value in
            let decoder = try channel.pipeline.syncOperations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try channel.pipeline.syncOperations.addHandler(RequestTimingHandler(limits: limits, activity: activity), position: .after(decoder))
            return value
        }.nonisolated()
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

/// TLS around any child channel.
func withTLS(_ base: some ServerChildChannel, tls: TLSConfiguration) throws -> any ServerChildChannel {
    try TLSChannel(base, tlsConfiguration: tls)
}

/// Wraps any child channel (the server builder hands them out as existentials).
func guarded(_ base: some ServerChildChannel, gate: ConnectionGate, limits: ListenerLimits, plainHTTP: Bool) -> any ServerChildChannel {
    GuardedChildChannel(base: base, gate: gate, limits: limits, plainHTTP: plainHTTP)
}
