/// Why a deploy does not start, with Prisma's error code where Prisma has one.
public struct DeployRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// `P3005`, `P3009`, `P3017`, `P3019`, or `FCB_DIVERGED` (fcb's own).
    public let code: String
    public let message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
