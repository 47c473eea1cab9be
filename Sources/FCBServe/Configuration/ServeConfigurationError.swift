/// A setting of `fcb serve` that cannot be used, explained in words (which setting, from which
/// source, what is expected).
package struct ServeConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    package let message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}
