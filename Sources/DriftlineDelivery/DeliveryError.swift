public import DriftlineCore

/// A delivery attempt that failed; the entry stays queued and is tried again.
public struct DeliveryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The kind of problem; new codes may be added.
    public typealias Code = ErrorCode<DeliveryError>

    /// The kind of problem.
    public var code: Code
    /// What happened, with the receiver's answer when it gave one.
    public var message: String

    /// An error of `code` saying `message`.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message, for logs and the outbox's `last_error`.
    public var description: String { message }
}

extension ErrorCode where Domain == DeliveryError {
    /// The receiver answered with a status other than 2xx.
    public static let rejected = Self("rejected")
    /// The receiver could not be reached, or did not answer in time.
    public static let unreachable = Self("unreachable")
    /// A queued record is not a contract record this target can send.
    public static let badRecord = Self("badRecord")
}
