import DriftlineMQTT

extension Topology {
    /// What an MQTT source subscribes to.
    public struct MQTTSourceSpec: Equatable, Sendable {
        /// The broker to subscribe at.
        public var connection: MQTTConnection
        /// Subscription templates (see `TopicTemplate`): levels may be `{name}` placeholders,
        /// `+` and `#` wildcards.
        public var topics: [String]

        /// A source subscribing to `topics` at `connection`.
        public init(connection: MQTTConnection, topics: [String]) {
            self.connection = connection
            self.topics = topics
        }

        /// The placeholder names of each template in `topics`, in order of appearance (none for a
        /// template the loader would refuse).
        public var placeholders: [[String]] {
            topics.map { (try? TopicTemplate($0))?.names ?? [] }
        }
    }
}
