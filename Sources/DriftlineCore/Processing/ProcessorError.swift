/// Settings a `DriftProcessor` cannot run with.
public struct ProcessorError: Error, CustomStringConvertible, Sendable {
    /// What kind of problem it is.
    public struct Code: Hashable, Sendable {
        let raw: String
        /// The settings contradict themselves (unknown dimension, bad window, duplicate baseline).
        public static let invalidSettings = Code(raw: "invalid_settings")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
