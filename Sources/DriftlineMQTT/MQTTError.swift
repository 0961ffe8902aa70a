public import DriftlineCore

/// An MQTT source or sink that cannot do its work: bad settings or topic templates, a refused connection, a
/// publish that failed.
public struct MQTTError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure it is.
    public typealias Code = ErrorCode<MQTTError>

    /// The kind of failure.
    public let code: Code
    /// What went wrong, in words a user can act on.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

extension ErrorCode where Domain == MQTTError {
    /// The settings cannot work (empty host, bad port, TLS files missing…).
    public static let invalidSettings = Self("invalid_settings")
    /// A subscription filter or publish topic is not valid MQTT.
    public static let invalidTopic = Self("invalid_topic")
    /// The broker could not be reached or refused the connection.
    public static let connectionFailed = Self("connection_failed")
    /// libmosquitto refused a publish (payload too large, out of memory…).
    public static let publishFailed = Self("publish_failed")
    /// Acknowledgements did not arrive in time.
    public static let timedOut = Self("timed_out")
    /// The network thread did not finish in time; the client was left running rather than destroyed under it.
    public static let stopTimedOut = Self("stop_timed_out")

    // A topic template (`TopicTemplate`) that cannot be used:
    /// The template is empty.
    public static let emptyTemplate = Self("empty_template")
    /// A `{name}`, `+` or `#` shares its level with other characters (`dev{id}`, `a+`).
    public static let partialLevel = Self("partial_level")
    /// A placeholder name is empty or not an identifier (`{}`, `{1st}`, `{a-b}`).
    public static let invalidPlaceholder = Self("invalid_placeholder")
    /// Two placeholders have the same name.
    public static let duplicatePlaceholder = Self("duplicate_placeholder")
    /// `#` is not the last level.
    public static let misplacedMultiLevelWildcard = Self("misplaced_multi_level_wildcard")
}
