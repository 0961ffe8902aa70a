/// Settings a `DriftProcessor` cannot run with.
public struct ProcessorError: Error, CustomStringConvertible, Sendable {
    /// What kind of problem it is.
    public typealias Code = ErrorCode<ProcessorError>

    /// The kind of problem.
    public let code: Code
    /// What is wrong with the settings.
    public let message: String

    /// A problem of kind `code`, explained by `message`.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

extension ErrorCode where Domain == ProcessorError {
    /// The settings contradict themselves (unknown dimension, bad window, duplicate baseline).
    public static let invalidSettings = Self("invalid_settings")
}
