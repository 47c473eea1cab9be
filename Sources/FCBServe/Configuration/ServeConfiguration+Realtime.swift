import FCBRealtime

extension ServeConfiguration {
    /// The Engine.IO server's settings from `FRONTEND_URL` and the `FCB_SOCKETIO_*` settings.
    package var engineIOSettings: EngineIOSettings {
        EngineIOSettings(
            pingInterval: .milliseconds(socketIO.pingIntervalMilliseconds), pingTimeout: .milliseconds(socketIO.pingTimeoutMilliseconds),
            maxPayload: socketIO.maxPayloadBytes, allowedOrigins: frontendURLs, path: socketIO.path)
    }

    /// The Socket.IO layer's settings; `tokenVerifier` checks the dashboard's JWTs.
    package func socketIOSettings(tokenVerifier: DashboardTokenVerifier?) -> SocketIOSettings {
        SocketIOSettings(
            tokenVerifier: tokenVerifier, connectTimeout: .milliseconds(socketIO.connectTimeoutMilliseconds), maxPayload: socketIO.maxPayloadBytes)
    }
}
