public import DriftlineCore

/// Why a telemetry scenario or a drift description cannot be used.
public struct ScenarioError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The kind of problem; new codes may be added.
    public typealias Code = ErrorCode<ScenarioError>

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

extension ErrorCode where Domain == ScenarioError {
    /// A `--drift` text does not follow `KIND:ARGS@START[..END][/line=LINE]`.
    public static let invalidDriftSyntax = Self("invalidDriftSyntax")
    /// A drift names a feature, category or line the scenario does not have.
    public static let unknownName = Self("unknownName")
    /// A scenario parameter is out of its range (a rate of zero, proportions that do not add up, …).
    public static let invalidParameter = Self("invalidParameter")
}
