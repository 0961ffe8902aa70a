public import DriftlineCore

/// Why reference or test data could not be read.
public struct ReferenceDataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The kind of problem, stable across releases; new codes may be added.
    public typealias Code = ErrorCode<ReferenceDataError>

    /// The kind of problem.
    public var code: Code
    /// The file being read.
    public var file: String
    /// The 1-based line the problem starts on, when it has one.
    public var line: Int?
    /// What went wrong and how to fix it.
    public var message: String

    /// An error of kind `code` at `file`, `line`, explained by `message`.
    public init(_ code: Code, file: String, line: Int? = nil, _ message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: message`.
    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}

extension ErrorCode where Domain == ReferenceDataError {
    /// The file could not be opened or read.
    public static let unreadableFile = Self("unreadable_file")
    /// A line or row that is not valid data (bad JSON, not an object, wrong field count).
    public static let malformedRow = Self("malformed_row")
    /// A file whose format cannot be told from its name.
    public static let unknownFormat = Self("unknown_format")
}
