import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOCore
import NIOSSL

/// The channel stack every fcb listener uses: HTTP/1 (with the Engine.IO WebSocket upgrade when
/// a Socket.IO route is served), TLS when configured, and the connection guards
/// (docs/serve.md#listener-limits).
enum ListenerStack {
    static func serverBuilder(socketIO: SocketIORoute?, tls: TLSConfiguration?, gate: ConnectionGate, limits: ListenerLimits) -> HTTPServerBuilder {
        // The guard's timers replace Hummingbird's idle timeout, which starts only after a
        // request head on the upgrade path.
        let http1 = HTTP1Channel.Configuration(idleTimeout: nil)
        return HTTPServerBuilder { responder in
            let base: any ServerChildChannel =
                if let socketIO {
                    EngineIOUpgradeChannel(responder: responder, http1: http1, route: socketIO)
                } else {
                    HTTP1Channel(responder: responder, configuration: http1)
                }
            let secured: any ServerChildChannel = try tls.map { try withTLS(base, tls: $0) } ?? base
            return guarded(secured, gate: gate, limits: limits, plainHTTP: tls == nil)
        }
    }
}
