import ServiceLifecycle

/// An Engine.IO server's own loops as a `Service`: heartbeats, and the Socket.IO connect timeout
/// when a Socket.IO layer sits on it. On graceful shutdown every session closes (pending polls
/// answer at once), so the listener in front of it drains quickly.
package struct EngineIOService: Service {
    package let engine: EngineIOServer
    package let sockets: SocketIOServer?

    package init(engine: EngineIOServer, sockets: SocketIOServer?) {
        self.engine = engine
        self.sockets = sockets
    }

    package func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await engine.runHeartbeat() }
            group.addTask { await engine.runInboxes() }
            if let sockets { group.addTask { await sockets.runConnectTimeouts() } }
            // Returns when the group shuts down gracefully (or is cancelled).
            group.addTask { try? await gracefulShutdown() }
            await group.next()
            engine.shutdown()
            group.cancelAll()
        }
    }
}
