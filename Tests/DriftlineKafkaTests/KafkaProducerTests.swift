import DriftlineKafka
import Foundation
import Synchronization
import Testing

@Suite(.serialized)
struct KafkaProducerTests {
    @Test func kcatReadsBackExactlyTheRecordsProduced() throws {
        _ = try #require(Kcat.path, "kcat is not installed")
        let cluster = try MockKafkaCluster(brokers: 3)
        try cluster.createTopic("alerts", partitions: 6)
        let producer = try KafkaProducer(properties: KafkaProperties(["bootstrap.servers": cluster.bootstrapServers]))
        let records = KafkaConsumerTests.records(0..<2000)
        for record in records {
            try producer.produce(topic: "alerts", key: record.key, value: Array(record.value.utf8))
        }
        #expect(producer.flush(timeout: .seconds(10)))
        producer.close()
        #expect(producer.counters.produced == 2000)
        #expect(producer.counters.delivered == 2000)
        #expect(producer.counters.failed == 0)

        let read = try Kcat(bootstrapServers: cluster.bootstrapServers).consumeAll(topic: "alerts")
        #expect(read.count == 2000)
        #expect(Set(read.map { "\($0.key)=\($0.value)" }) == Set(records.map { "\($0.key)=\($0.value)" }))
        // Keyed records of one key land in one partition, spread over all six.
        #expect(Set(read.map(\.partition)) == Set(0..<6))
    }

    @Test func nonRetriableProduceErrorIsReportedWithTopicAndKey() throws {
        let cluster = try MockKafkaCluster(brokers: 1)
        try cluster.createTopic("alerts", partitions: 1)
        let reported = Mutex<[KafkaProducer.DeliveryFailure]>([])
        let producer = try KafkaProducer(
            properties: KafkaProperties(["bootstrap.servers": cluster.bootstrapServers]),
            onFailure: { failure in reported.withLock { $0.append(failure) } }, log: { _ in })
        // Warm up the connection so the injected error hits the record's Produce request.
        try producer.produce(topic: "alerts", key: "warm-up", value: Array("{}".utf8))
        #expect(producer.flush(timeout: .seconds(10)))
        try cluster.pushRequestErrors(apiKey: .produce, errors: [.topicAuthorizationFailed])
        try producer.produce(topic: "alerts", key: "alert-42", value: Array(#"{"alert":42}"#.utf8))
        _ = producer.flush(timeout: .seconds(10))
        producer.close()

        #expect(producer.counters.failed == 1)
        #expect(producer.counters.delivered == 1)
        let failure = try #require(producer.failures.first)
        #expect(failure.topic == "alerts")
        #expect(failure.key == "alert-42")
        #expect(failure.error.code == .topicAuthorizationFailed)
        #expect(reported.withLock { $0.map(\.key) } == ["alert-42"])
    }

    @Test func recordsThatTimeOutWhileTheLeaderIsDownAreReported() throws {
        let cluster = try MockKafkaCluster(brokers: 1)
        try cluster.createTopic("alerts", partitions: 2)
        let producer = try KafkaProducer(
            properties: KafkaProperties([
                "bootstrap.servers": cluster.bootstrapServers, "message.timeout.ms": "1000",
            ]), log: { _ in })
        try cluster.setBrokerDown(1)
        for index in 0..<5 {
            try producer.produce(topic: "alerts", key: "alert-\(index)", value: Array("{}".utf8))
        }
        #expect(!producer.flush(timeout: .milliseconds(300)))
        #expect(eventually(timeout: .seconds(10)) { producer.counters.failed == 5 })
        producer.close()

        #expect(producer.counters.delivered == 0)
        #expect(Set(producer.failures.compactMap(\.key)) == Set((0..<5).map { "alert-\($0)" }))
        #expect(producer.failures.allSatisfy { $0.error.code == .messageTimedOut })
    }
}
