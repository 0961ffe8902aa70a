extension Topology {
    /// What a Kafka source consumes: topics (or one regex) as a member of a consumer group.
    public struct KafkaSourceSpec: Equatable, Sendable {
        /// The cluster to consume from.
        public var connection: KafkaConnection
        /// Topic names; or exactly one entry starting with `^`, a regex subscription.
        public var topics: [String]
        /// The consumer group id; by default `driftline-<topology name>`.
        public var group: String

        /// A source consuming `topics` from `connection` in consumer group `group`.
        public init(connection: KafkaConnection, topics: [String], group: String) {
            self.connection = connection
            self.topics = topics
            self.group = group
        }

        /// Whether `topics` is a single regex subscription rather than a list of names.
        public var isPattern: Bool {
            topics.count == 1 && topics[0].hasPrefix("^")
        }
    }
}
