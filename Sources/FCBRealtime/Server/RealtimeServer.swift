import Logging
import ServiceLifecycle

/// Everything realtime in one `Service`: the Engine.IO/Socket.IO server, the relay from the
/// pipeline's events to rooms, and the fan-out to and from other instances.
///
/// Run it *after* the HTTP server in the service group: services stop in reverse order, so its
/// graceful shutdown closes every session first (pending polls answer at once) and the HTTP
/// server then drains quickly.
package final class RealtimeServer: Service {
    package let engine: EngineIOServer
    package let sockets: SocketIOServer
    let events: EventBus
    let fanout: (any RealtimeFanout)?
    let logger: Logger

    package init(
        engineSettings: EngineIOSettings, socketSettings: SocketIOSettings, access: any ConversationAccess, events: EventBus,
        fanout: (any RealtimeFanout)? = nil, logger: Logger
    ) {
        let sockets = SocketIOServer(settings: socketSettings, access: access, logger: logger)
        self.sockets = sockets
        self.engine = EngineIOServer(settings: engineSettings, handler: sockets, logger: logger)
        self.events = events
        self.fanout = fanout
        self.logger = logger
    }

    package func run() async {
        // Subscribe before anything else so no event published after start is missed.
        // Two subscriptions: a slow database must not delay the local rooms.
        let local = events.subscribe()
        let outgoing = fanout.map { _ in events.subscribe() }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { for await event in local { self.sockets.emit(event) } }
            if let fanout, let outgoing {
                let sockets = self.sockets
                group.addTask { await fanout.run() }
                group.addTask { for await event in outgoing { await fanout.publish(event) } }
                group.addTask { await fanout.receive { event in sockets.emit(event) } }
            }
            // Until graceful shutdown, which closes every session.
            await EngineIOService(engine: engine, sockets: sockets).run()
            group.cancelAll()
        }
    }
}
