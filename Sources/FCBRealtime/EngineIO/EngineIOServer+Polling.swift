/// HTTP long-polling (and the checks every `/socket.io/` request goes through).
extension EngineIOServer {
    /// What a request to `/socket.io/` asks for, once its query is valid.
    enum Target {
        case handshake(EngineIOSession.Transport)
        case existing(EngineIOSession, EngineIOSession.Transport)
    }

    /// `EIO=4`, a known transport, an existing `sid` (or none for a handshake), an allowed origin.
    func resolve(query: [String: [String]], headers: [String: String]) -> Result<Target, EngineIORequestError> {
        guard cors.allows(origin: headers["origin"], host: headers["host"]) else { return .failure(.forbidden) }
        guard query["EIO"]?.count == 1, query["EIO"]?.first == "4" else { return .failure(.unsupportedProtocolVersion) }
        guard let name = query["transport"]?.count == 1 ? query["transport"]?.first : nil,
            let transport = EngineIOSession.Transport(rawValue: name)
        else { return .failure(.unknownTransport) }
        guard let sids = query["sid"] else { return .success(.handshake(transport)) }
        guard sids.count == 1, let session = session(id: sids[0]) else { return .failure(.unknownSid) }
        if session.missedPong(now: now) {
            session.close(.pingTimeout)
            return .failure(.unknownSid)
        }
        return .success(.existing(session, transport))
    }

    /// GET (receive), POST (send) and OPTIONS (preflight) for the polling transport.
    package func handlePolling(_ request: EngineIOHTTPRequest) async -> EngineIOHTTPResponse {
        let origin = request.headers["origin"]
        if request.method == "OPTIONS" {
            return cors.preflight(origin: origin, requestHeaders: request.headers["access-control-request-headers"])
        }
        var response = await answerPolling(request)
        for (name, value) in cors.headers(origin: origin) { response.headers[name] = value }
        return response
    }

    private func answerPolling(_ request: EngineIOHTTPRequest) async -> EngineIOHTTPResponse {
        let target: Target
        switch resolve(query: request.query, headers: request.headers) {
        case .failure(let error): return error.response
        case .success(let resolved): target = resolved
        }
        switch target {
        case .handshake(let transport):
            // A WebSocket handshake only comes through the upgrade, never as plain HTTP.
            guard transport == .polling else { return EngineIORequestError.badRequest.response }
            guard request.method == "GET" else { return EngineIORequestError.badHandshakeMethod.response }
            guard let session = openSession(info: request.connectionInfo, transport: .polling) else {
                return EngineIOHTTPResponse(
                    status: 503, headers: ["content-type": "application/json"], body: Array(#"{"code":3,"message":"Server shutting down"}"#.utf8))
            }
            return .text(EngineIOPayload.encode([settings.handshake(sid: session.id, upgrades: ["websocket"]).packet]))
        case .existing(let session, let transport):
            guard transport == .polling else { return EngineIORequestError.badRequest.response }
            switch request.method {
            case "GET": return await poll(session)
            case "POST": return await post(request.body, to: session)
            default: return EngineIORequestError.badRequest.response
            }
        }
    }

    /// How long a poll that arrives during a probed upgrade is held before its `noop`: long
    /// enough for a `5` sent right behind the `2probe` to win (then the poll is refused, as the
    /// protocol suite expects), short enough that engine.io-client, which waits for this GET
    /// before sending `5`, upgrades at once (the reference server checks every 100 ms).
    static let probedPollHold = Duration.milliseconds(50)

    /// Holds the GET until packets are queued (a ping comes at least every `pingInterval`).
    private func poll(_ session: EngineIOSession) async -> EngineIOHTTPResponse {
        var batch = EngineIOSession.Batch.probeStarted
        while batch == .probeStarted {
            guard session.isProbed else {
                batch = await session.nextPoll()
                continue
            }
            batch = await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    try? await Task.sleep(for: Self.probedPollHold)
                    session.releasePollDuringUpgrade()
                }
                let batch = await session.nextPoll()
                group.cancelAll()
                return batch
            }
        }
        switch batch {
        case .packets(let packets): return .text(EngineIOPayload.encode(packets))
        case .closed, .cancelled, .probeStarted: return .text(EngineIOPayload.encode([EngineIOPacket(.noop)]))
        case .refused:
            // Overlapping GETs, or polling a session that moved to WebSocket.
            if session.transport == .polling { session.close(.protocolError) }
            return EngineIORequestError.badRequest.response
        }
    }

    private func post(_ body: EngineIOHTTPRequest.Body, to session: EngineIOSession) async -> EngineIOHTTPResponse {
        guard session.transport == .polling else { return EngineIORequestError.badRequest.response }
        guard session.beginPost() else {
            session.close(.protocolError)
            return EngineIORequestError.badRequest.response
        }
        defer { session.endPost() }
        let packets: [EngineIOPacket]
        switch body {
        case .tooLarge:
            session.close(.protocolError)
            return EngineIOHTTPResponse(
                status: 413, headers: ["content-type": "application/json"], body: Array(#"{"code":3,"message":"Payload too large"}"#.utf8))
        case .bytes(let bytes):
            do {
                packets = try EngineIOPayload.decode(bytes, maxPayload: settings.maxPayload)
            } catch {
                logger.debug("engine.io: bad polling body", metadata: ["sid": .string(session.id), "error": .string(error.description)])
                session.close(.protocolError)
                return EngineIORequestError.badRequest.response
            }
        }
        for packet in packets {
            guard await receive(packet, from: session) else { break }
        }
        return .text("ok", contentType: "text/html")
    }
}
