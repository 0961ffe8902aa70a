public import DriftlineCore

/// A source or sink that cannot do its work: a file that will not open, a failed write.
public struct ConnectorError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure it is.
    public typealias Code = ErrorCode<ConnectorError>

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

extension ErrorCode where Domain == ConnectorError {
    public static let cannotOpen = Self("cannot_open")
    public static let readFailed = Self("read_failed")
    public static let writeFailed = Self("write_failed")
    public static let invalidData = Self("invalid_data")
}
