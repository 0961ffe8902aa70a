/// Why one payload could not be decoded into an `Event`; the record goes to the dead-letter output
/// with this reason.
public struct DecodeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The kind of failure, stable for counting and routing.
    public typealias Code = ErrorCode<DecodeError>

    /// The kind of failure.
    public var code: Code
    /// What is wrong with the payload, for the person who has to fix the producer or the mapping.
    public var message: String

    /// A failure of the given kind with its reason.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}

extension ErrorCode where Domain == DecodeError {
    /// The payload is not valid JSON.
    public static let invalidJSON = Self("invalidJSON")
    /// The payload is valid JSON but its top-level value is not an object.
    public static let notAnObject = Self("notAnObject")
    /// A role the event's kind requires is absent (or `null`).
    public static let missingRole = Self("missingRole")
    /// A role holds a value of the wrong JSON type.
    public static let wrongType = Self("wrongType")
    /// The timestamp is neither RFC 3339 nor integer epoch milliseconds.
    public static let invalidTimestamp = Self("invalidTimestamp")
    /// The payload is larger than the decoder's `maxPayloadBytes`.
    public static let oversize = Self("oversize")
    /// The `type` role names no known event kind.
    public static let unknownKind = Self("unknownKind")
    /// The features object has more members than the decoder's `maxFeatures`.
    public static let tooManyFeatures = Self("tooManyFeatures")
}
