import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A loopback port nothing listened on a moment ago (bound to 0, read back, released).
package func freeLoopbackPort() throws -> Int {
    let (fd, port) = try boundLoopbackSocket()
    close(fd)
    return port
}

/// Runs `body` with a loopback port that refuses connections for as long as `body` runs: the
/// port is bound but never listened on, so no other process can take it meanwhile (a port that
/// was merely freed can be reused by a parallel test at once, and then answers).
package func withRefusingLoopbackPort<Result>(_ body: (Int) async throws -> Result) async throws -> Result {
    let (fd, port) = try boundLoopbackSocket()
    defer { close(fd) }
    return try await body(port)
}

/// A TCP socket bound to 127.0.0.1 on a port the kernel chose, and that port.
private func boundLoopbackSocket() throws -> (fd: Int32, port: Int) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw ServeProcessError("cannot open a loopback socket: \(String(cString: strerror(errno)))") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else {
        let reason = String(cString: strerror(errno))
        close(fd)
        throw ServeProcessError("cannot bind a loopback port: \(reason)")
    }
    return (fd, Int(UInt16(bigEndian: address.sin_port)))
}
