public import DriftlineCore

/// A test broker that cannot be started.
public struct BrokerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The kind of problem; new codes may be added.
    public typealias Code = ErrorCode<BrokerError>

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

extension ErrorCode where Domain == BrokerError {
    /// The broker program is not installed.
    public static let notInstalled = Self("notInstalled")
    /// The broker could not be launched, or exited or stayed unreachable after launch.
    public static let startFailed = Self("startFailed")
}
