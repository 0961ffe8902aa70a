/// A source or sink that cannot do its work: a file that will not open, a failed write.
public struct ConnectorError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure it is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        public static let cannotOpen = Code("cannot_open")
        public static let readFailed = Code("read_failed")
        public static let writeFailed = Code("write_failed")
        public static let invalidData = Code("invalid_data")

        public var description: String { name }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
