/// Why a `FieldMapping` cannot be compiled into an `EventDecoder`.
public struct MappingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The kind of mapping mistake.
    public typealias Code = ErrorCode<MappingError>

    /// The kind of mistake.
    public var code: Code
    /// What is wrong and how to fix it.
    public var message: String

    /// A mapping mistake of the given kind with its reason.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}

extension ErrorCode where Domain == MappingError {
    /// A JSON Pointer is not valid RFC 6901 (no leading `/`, or `~` not followed by `0`/`1`).
    public static let invalidPointer = Self("invalidPointer")
    /// A constant cannot stand for its role (e.g. a non-numeric `score`, an unknown `type`).
    public static let invalidConstant = Self("invalidConstant")
    /// A source kind that the role cannot take (e.g. `recordTime` for `model`).
    public static let unsupportedSource = Self("unsupportedSource")
    /// A segment field names a dimension that is not among `segmentDimensions`.
    public static let unknownDimension = Self("unknownDimension")
}
