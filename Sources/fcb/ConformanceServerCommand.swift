import ArgumentParser
import FCBServe
import Foundation
import Logging

struct ConformanceServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conformance-server",
        abstract: "Run the test servers the official Engine.IO and Socket.IO protocol suites expect, on fcb's own code.",
        discussion: """
            Engine.IO at http://HOST:ENGINE_IO_PORT/engine.io/ echoes every message back; \
            Socket.IO at http://HOST:SOCKET_IO_PORT/socket.io/ has the namespaces / and /custom, \
            emits "auth" with the CONNECT payload, answers "message" with "message-back" and \
            acknowledges "message-with-ack" (attachments included). Both ping every 300 ms with a \
            200 ms timeout, accept 1,000,000-byte payloads and any origin; Socket.IO closes a \
            connection without CONNECT after 1 s. The Engine.IO/Socket.IO code, the WebSocket \
            upgrade and the listener guards are those of fcb serve (docs/realtime.md#protocol-suites).

            Examples:
              fcb dev conformance-server --engine-io-port 3000 --socket-io-port 3001
              ../shared/conformance/socketio/run.sh http://127.0.0.1:3000 http://127.0.0.1:3001

            Stop it with Ctrl-C.
            """
    )

    @Option(help: ArgumentHelp("Port of the Engine.IO test server (0 picks a free one).", valueName: "port"))
    var engineIOPort: Int = 3000

    @Option(help: ArgumentHelp("Port of the Socket.IO test server (0 picks a free one).", valueName: "port"))
    var socketIOPort: Int = 3001

    @Option(help: ArgumentHelp("Address to listen on.", valueName: "address"))
    var host: String = "127.0.0.1"

    @Flag(help: "Log every session and refused packet (debug level) to standard error.")
    var verbose = false

    func validate() throws {
        for (name, port) in [("--engine-io-port", engineIOPort), ("--socket-io-port", socketIOPort)] where !(0...65535).contains(port) {
            throw ValidationError("\(name) must be between 0 and 65535")
        }
        if engineIOPort == socketIOPort, engineIOPort != 0 {
            throw ValidationError("--engine-io-port and --socket-io-port must differ")
        }
    }

    func run() async throws {
        FCBLogging.bootstrap(format: .text, level: verbose ? .debug : .warning)
        let servers = ConformanceServers(
            host: host, engineIOPort: engineIOPort, socketIOPort: socketIOPort, logger: Logger(label: "fcb.conformance"))
        do {
            try await servers.run { label, address in
                let path = label == "Engine.IO" ? "/engine.io/" : "/socket.io/"
                FileHandleWriter.standardOutput("\(label) test server listening on \(address)\(path)\n")
            }
        } catch {
            throw CommandError.unreadableInput("the conformance servers stopped: \((error as? ServeConfigurationError)?.message ?? "\(error)")")
        }
    }
}
