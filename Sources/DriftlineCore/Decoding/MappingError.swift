/// Why a `FieldMapping` cannot be compiled into an `EventDecoder`.
public struct MappingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The kind of mapping mistake.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) { self.name = name }

        /// A JSON Pointer is not valid RFC 6901 (no leading `/`, or `~` not followed by `0`/`1`).
        public static let invalidPointer = Code("invalidPointer")
        /// A constant cannot stand for its role (e.g. a non-numeric `score`, an unknown `type`).
        public static let invalidConstant = Code("invalidConstant")
        /// A source kind that the role cannot take (e.g. `recordTime` for `model`).
        public static let unsupportedSource = Code("unsupportedSource")
        /// A segment field names a dimension that is not among `segmentDimensions`.
        public static let unknownDimension = Code("unknownDimension")

        /// The code's name.
        public var description: String { name }
    }

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
