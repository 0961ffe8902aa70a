import DriftlineConnectors
import DriftlineKafka
import Foundation
import Testing

@Suite(.serialized)
struct KafkaConsumerTests {
    /// A fresh 3-broker cluster with one topic; a group name unique to the test.
    struct Setup {
        let cluster: MockKafkaCluster
        let topic = "events"
        let group = "driftline-\(UUID().uuidString.prefix(8))"

        init(partitions: Int) throws {
            cluster = try MockKafkaCluster(brokers: 3)
            try cluster.createTopic(topic, partitions: partitions)
        }

        var properties: KafkaProperties {
            KafkaProperties([
                "bootstrap.servers": cluster.bootstrapServers, "group.id": group, "session.timeout.ms": "6000",
                "heartbeat.interval.ms": "300", "topic.metadata.refresh.interval.ms": "1000",
            ])
        }

        func consumer(
            _ queue: SourceQueue, engine: RecordingEngine, log: @escaping @Sendable (String) -> Void = { _ in }
        ) throws -> KafkaConsumer {
            let consumer = try KafkaConsumer(properties: properties, topics: [topic], source: 7, queue: queue, log: log)
            engine.start(committingThrough: consumer)
            try consumer.start()
            return consumer
        }
    }

    static func records(_ range: Range<Int>) -> [(key: String, value: String)] {
        range.map { ("device-\($0)", #"{"seq":\#($0),"v":"\#(String(repeating: "x", count: $0 % 50))"}"#) }
    }

    @Test func deliversExactlyTheRecordsKcatProducedWithPartitionOffsetAndKey() throws {
        _ = try #require(Kcat.path, "kcat is not installed")
        let setup = try Setup(partitions: 6)
        let outside = Kcat(bootstrapServers: setup.cluster.bootstrapServers)
        try outside.produce(topic: setup.topic, Self.records(0..<3000))
        // kcat's own view of the topic, for partition and offset of every record.
        let expected = Set(try outside.consumeAll(topic: setup.topic))
        #expect(expected.count == 3000)

        let queue = SourceQueue()
        let engine = RecordingEngine(queue: queue)
        let consumer = try setup.consumer(queue, engine: engine)
        #expect(eventually { engine.deliveries.count >= 3000 })
        Thread.sleep(forTimeInterval: 0.3)  // nothing more may arrive
        consumer.stop()
        engine.stop()

        let delivered = engine.deliveries.map {
            Kcat.Record(partition: $0.partition.partition, offset: $0.offset, key: $0.key, value: $0.value)
        }
        #expect(delivered.count == 3000)
        #expect(Set(delivered) == expected)
        #expect(Set(delivered.map(\.partition)).count == 6)
        #expect(engine.violations.isEmpty, "\(engine.violations)")
        let payloadBytes = Self.records(0..<3000).reduce(0) { $0 + $1.value.utf8.count }
        #expect(consumer.counters.messages == 3000)
        #expect(consumer.counters.bytes == payloadBytes)
    }

    @Test func resumesFromTheCommittedOffsetsInTheSameGroup() throws {
        _ = try #require(Kcat.path, "kcat is not installed")
        let setup = try Setup(partitions: 3)
        try Kcat(bootstrapServers: setup.cluster.bootstrapServers).produce(topic: setup.topic, Self.records(0..<600))

        let firstQueue = SourceQueue()
        let first = RecordingEngine(queue: firstQueue, commitEachBatch: false)
        let firstConsumer = try setup.consumer(firstQueue, engine: first)
        #expect(eventually { first.deliveries.count >= 600 })
        // Commit half of each partition: the next offset to read is count / 2.
        let counts = Dictionary(grouping: first.deliveries, by: \.partition).mapValues(\.count)
        let committed = counts.mapValues { Int64($0 / 2) }
        // A commit the coordinator rejects is counted (and logged), not lost silently; the engine commits again.
        try setup.cluster.pushRequestErrors(apiKey: .offsetCommit, errors: [.topicAuthorizationFailed])
        first.commit(committed)
        #expect(eventually(timeout: .seconds(5)) { firstConsumer.counters.commitFailures == 1 })
        first.commit(committed)
        firstConsumer.stop()
        first.stop()

        let secondQueue = SourceQueue()
        let second = RecordingEngine(queue: secondQueue, commitEachBatch: false)
        let secondConsumer = try setup.consumer(secondQueue, engine: second)
        let remaining = counts.values.reduce(0) { $0 + $1 - $1 / 2 }
        #expect(eventually { second.deliveries.count >= remaining })
        Thread.sleep(forTimeInterval: 0.3)
        secondConsumer.stop()
        second.stop()

        #expect(second.deliveries.count == remaining)
        let firstOffsets = Dictionary(grouping: second.deliveries, by: \.partition).mapValues {
            $0.map(\.offset).min()!
        }
        #expect(firstOffsets == committed)
        // The second consumer got exactly the records of the first at or after the committed offsets.
        let expected = first.deliveries.filter { $0.offset >= committed[$0.partition]! }
        #expect(Set(second.deliveries) == Set(expected))
    }
}
