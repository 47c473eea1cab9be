/// Why a deploy does not start, with Prisma's error code where Prisma has one.
package struct DeployRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// `P3005`, `P3009`, `P3017`, `P3019`, or `FCB_DIVERGED` (fcb's own).
    package let code: String
    package let message: String

    package init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "\(code): \(message)" }
}
