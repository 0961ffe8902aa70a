/// Why a telemetry scenario or a drift description cannot be used.
public struct ScenarioError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The kind of problem; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) { self.name = name }

        /// A `--drift` text does not follow `KIND:ARGS@START[..END][/line=LINE]`.
        public static let invalidDriftSyntax = Code("invalidDriftSyntax")
        /// A drift names a feature, category or line the scenario does not have.
        public static let unknownName = Code("unknownName")
        /// A scenario parameter is out of its range (a rate of zero, proportions that do not add up, …).
        public static let invalidParameter = Code("invalidParameter")

        /// The code's name.
        public var description: String { name }
    }

    /// The kind of problem.
    public var code: Code
    /// What is wrong and how to fix it.
    public var message: String

    /// An error of `code` with a message a user can act on.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message, for printing.
    public var description: String { message }
}
