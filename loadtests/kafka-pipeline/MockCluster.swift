import DriftlineKafka

extension MockKafkaCluster {
    /// A three-broker mock cluster with the given topics (name and partition count).
    static func withTopics(_ topics: [(String, Int)]) throws -> MockKafkaCluster {
        let cluster = try MockKafkaCluster(brokers: 3)
        for (name, partitions) in topics {
            try cluster.createTopic(name, partitions: partitions)
        }
        return cluster
    }
}
