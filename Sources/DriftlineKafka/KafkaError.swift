import CRdKafka

/// A failure reported by librdkafka (or by this module around it): configuration, broker, delivery.
public struct KafkaError: Error, CustomStringConvertible, Sendable {
    /// A librdkafka error code (`rd_kafka_resp_err_t`): negative for client-side errors, positive for
    /// Kafka protocol errors returned by a broker.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The numeric librdkafka code.
        public let rawValue: Int32

        /// Wraps a numeric librdkafka code.
        public init(rawValue: Int32) { self.rawValue = rawValue }

        init(_ error: rd_kafka_resp_err_t) { self.init(rawValue: error.rawValue) }

        /// No error.
        public static let noError = Code(RD_KAFKA_RESP_ERR_NO_ERROR)
        /// An argument or configuration value was rejected.
        public static let invalidArgument = Code(RD_KAFKA_RESP_ERR__INVALID_ARG)
        /// A generic local failure (for example, a client handle could not be created).
        public static let failure = Code(RD_KAFKA_RESP_ERR__FAIL)
        /// A broker connection failed.
        public static let transport = Code(RD_KAFKA_RESP_ERR__TRANSPORT)
        /// No broker of the cluster is reachable.
        public static let allBrokersDown = Code(RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN)
        /// A message could not be delivered within `message.timeout.ms`.
        public static let messageTimedOut = Code(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT)
        /// A local operation timed out.
        public static let timedOut = Code(RD_KAFKA_RESP_ERR__TIMED_OUT)
        /// The producer's queue is full.
        public static let queueFull = Code(RD_KAFKA_RESP_ERR__QUEUE_FULL)
        /// A fatal error: the client instance is no longer usable.
        public static let fatal = Code(RD_KAFKA_RESP_ERR__FATAL)
        /// The topic or partition does not exist.
        public static let unknownTopicOrPartition = Code(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
        /// The broker is not the partition's leader (retriable).
        public static let notLeaderForPartition = Code(RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION)
        /// The broker timed the request out (retriable).
        public static let requestTimedOut = Code(RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT)
        /// The record is invalid (not retriable).
        public static let invalidRecord = Code(RD_KAFKA_RESP_ERR_INVALID_RECORD)
        /// The client may not write to or read from the topic (not retriable).
        public static let topicAuthorizationFailed = Code(RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED)
        /// The group is rebalancing; the commit was rejected.
        public static let rebalanceInProgress = Code(RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS)

        /// librdkafka's symbolic name of the code, e.g. `_TRANSPORT` or `NOT_LEADER_FOR_PARTITION`.
        public var name: String { String(cString: rd_kafka_err2name(rd_kafka_resp_err_t(rawValue: rawValue))) }

        public var description: String { name }
    }

    /// What went wrong, as librdkafka's code.
    public let code: Code
    /// What happened and, where known, what to change.
    public let message: String

    /// Creates an error with a code and an actionable message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    init(_ error: rd_kafka_resp_err_t, _ context: String) {
        let code = Code(error)
        self.init(code, "\(context): \(String(cString: rd_kafka_err2str(error))) (\(code.name))")
    }

    /// librdkafka's symbolic name of the code.
    public var name: String { code.name }

    public var description: String { message }
}
