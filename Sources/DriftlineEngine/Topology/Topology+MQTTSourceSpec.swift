extension Topology {
    /// What an MQTT source subscribes to.
    public struct MQTTSourceSpec: Equatable, Sendable {
        /// The broker to subscribe at.
        public var connection: MQTTConnection
        /// Subscription templates (see `MQTTTopicTemplate`): levels may be `{name}` placeholders,
        /// `+` and `#` wildcards.
        public var topics: [String]

        /// A source subscribing to `topics` at `connection`.
        public init(connection: MQTTConnection, topics: [String]) {
            self.connection = connection
            self.topics = topics
        }

        /// `topics` read as templates, in order.
        public var templates: [MQTTTopicTemplate] {
            topics.map(MQTTTopicTemplate.init)
        }

        /// The placeholder names of each template in `topics`, in order of appearance.
        public var placeholders: [[String]] {
            templates.map(\.placeholders)
        }
    }
}
