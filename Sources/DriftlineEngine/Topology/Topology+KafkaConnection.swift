extension Topology {
    /// A Kafka cluster connection: librdkafka properties passed through as given.
    ///
    /// Any librdkafka property may appear (`security.protocol`, `sasl.*`, `ssl.*`, `fetch.*`, …), so
    /// SASL and TLS clusters need no code change. The loader checks that `bootstrap.servers` is
    /// present and that `group.id` is not (a Kafka source names its consumer group itself).
    public struct KafkaConnection: Equatable, Sendable {
        /// librdkafka configuration properties, by their librdkafka names; always holds `bootstrap.servers`.
        public var properties: [String: String]

        /// A connection with the given librdkafka properties.
        public init(properties: [String: String]) {
            self.properties = properties
        }
    }
}
