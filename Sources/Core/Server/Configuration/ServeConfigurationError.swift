/// A setting of `fcb serve` that cannot be used, explained in words (which setting, from which
/// source, what is expected).
public struct ServeConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
