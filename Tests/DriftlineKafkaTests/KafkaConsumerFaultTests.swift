import DriftlineConnectors
import DriftlineKafka
import Foundation
import Synchronization
import Testing

@Suite(.serialized)
struct KafkaConsumerFaultTests {
    typealias Setup = KafkaConsumerTests.Setup

    @Test func secondMemberJoiningAndLeavingLosesNothingAndHonoursHandOvers() throws {
        _ = try #require(Kcat.path, "kcat is not installed")
        let setup = try Setup(partitions: 6)
        let kcat = Kcat(bootstrapServers: setup.cluster.bootstrapServers)
        try kcat.produce(topic: setup.topic, KafkaConsumerTests.records(0..<2000))
        let ledger = RecordingEngine.Ledger()

        // Slow engines, so the rebalances happen while records are still flowing.
        let queueA = SourceQueue(capacityBytes: 4096)
        let engineA = RecordingEngine(queue: queueA, ledger: ledger, delayPerBatch: 0.005)
        let consumerA = try setup.consumer(queueA, engine: engineA)
        #expect(eventually { !engineA.deliveries.isEmpty })

        let queueB = SourceQueue(capacityBytes: 4096)
        let engineB = RecordingEngine(queue: queueB, ledger: ledger, delayPerBatch: 0.005)
        let consumerB = try setup.consumer(queueB, engine: engineB)
        #expect(eventually { !engineB.assigned.isEmpty && !engineB.deliveries.isEmpty })
        try kcat.produce(topic: setup.topic, KafkaConsumerTests.records(2000..<4000))
        Thread.sleep(forTimeInterval: 0.5)
        consumerB.stop()
        engineB.stop()

        // A takes every partition back, from the offsets B committed, and reads on.
        #expect(eventually { engineA.assigned.count == 6 })
        try kcat.produce(topic: setup.topic, KafkaConsumerTests.records(4000..<5000))
        let expectedKeys = Set(KafkaConsumerTests.records(0..<5000).map(\.key))
        #expect(eventually { Set(engineA.deliveries.map(\.key) + engineB.deliveries.map(\.key)) == expectedKeys })
        consumerA.stop()
        engineA.stop()

        let all = engineA.deliveries + engineB.deliveries
        #expect(Set(all.map(\.key)) == expectedKeys)
        #expect(!engineB.deliveries.isEmpty)
        #expect(engineA.revocations >= 2, "A gives partitions up when B joins and again when B leaves")
        #expect(engineA.violations.isEmpty, "\(engineA.violations)")
        #expect(engineB.violations.isEmpty, "\(engineB.violations)")
        #expect(consumerA.counters.handshakeTimeouts == 0)
        #expect(consumerB.counters.handshakeTimeouts == 0)
        // Every partition's offsets 0..<n were all seen (duplicates allowed, gaps not).
        for (partition, deliveries) in Dictionary(grouping: all, by: \.partition) {
            let offsets = Set(deliveries.map(\.offset))
            #expect(offsets == Set(0..<Int64(offsets.count)), "\(partition) has a gap")
        }
    }

    @Test func brokerGoingDownAndComingBackWhileConsumingLosesNothing() throws {
        let setup = try Setup(partitions: 6)
        let producer = try KafkaProducer(
            properties: KafkaProperties(["bootstrap.servers": setup.cluster.bootstrapServers]), log: { _ in })
        let records = KafkaConsumerTests.records(0..<3000)
        for record in records[0..<1500] {
            try producer.produce(topic: setup.topic, key: record.key, value: Array(record.value.utf8))
        }
        #expect(producer.flush(timeout: .seconds(10)))

        let queue = SourceQueue()
        let engine = RecordingEngine(queue: queue)
        let errors = Mutex(0)
        let consumer = try setup.consumer(queue, engine: engine, log: { _ in errors.withLock { $0 += 1 } })
        #expect(eventually { engine.deliveries.count >= 1500 })

        try setup.cluster.setBrokerDown(2)
        for record in records[1500...] {
            try producer.produce(topic: setup.topic, key: record.key, value: Array(record.value.utf8))
        }
        Thread.sleep(forTimeInterval: 1.5)
        let produced = Set(records[1500...].map(\.key))
        let duringOutage = engine.deliveries.filter { produced.contains($0.key) }
        try setup.cluster.setBrokerUp(2)

        #expect(producer.flush(timeout: .seconds(20)))
        #expect(eventually { Set(engine.deliveries.map(\.key)) == Set(records.map(\.key)) })
        consumer.stop()
        engine.stop()
        producer.close()

        // Broker 2 leads partitions 1 and 4 (`createTopic` deals leaders out in turn): nothing produced
        // during the outage reached them, while the other partitions went on.
        #expect(!duringOutage.isEmpty)
        #expect(duringOutage.allSatisfy { $0.partition.partition % 3 != 1 }, "broker 2 was down")
        #expect(Set(engine.deliveries.map(\.key)) == Set(records.map(\.key)))
        #expect(producer.counters.delivered == 3000)
        #expect(producer.failures.isEmpty)
        #expect(engine.violations.isEmpty, "\(engine.violations)")
    }

    @Test func fullQueueHoldsConsumptionBackAndDropsNothing() throws {
        _ = try #require(Kcat.path, "kcat is not installed")
        let setup = try Setup(partitions: 3)
        try Kcat(bootstrapServers: setup.cluster.bootstrapServers).produce(
            topic: setup.topic, KafkaConsumerTests.records(0..<3000))
        // Room for about 100 records of ~40 bytes; batches of at most 100.
        let queue = SourceQueue(capacityBytes: 4000)
        let consumer = try KafkaConsumer(
            properties: setup.properties, topics: [setup.topic], source: 7, queue: queue, batchSize: 100, log: { _ in })
        try consumer.start()
        #expect(eventually { consumer.counters.messages > 0 })
        Thread.sleep(forTimeInterval: 1)
        // Nobody takes from the queue: one batch in it, one pending, nothing more taken while it stays full.
        let whileStalled = consumer.counters.messages
        #expect(whileStalled <= 300, "took \(whileStalled) records while the queue was full")

        let engine = RecordingEngine(queue: queue)
        engine.start(committingThrough: consumer)
        #expect(eventually { engine.deliveries.count >= 3000 })
        Thread.sleep(forTimeInterval: 0.3)
        consumer.stop()
        engine.stop()
        #expect(engine.deliveries.count == 3000)
        #expect(Set(engine.deliveries.map(\.key)) == Set(KafkaConsumerTests.records(0..<3000).map(\.key)))
        #expect(engine.violations.isEmpty, "\(engine.violations)")
    }

    @Test func memberWhoseEngineStallsStillTakesPartInARebalance() throws {
        _ = try #require(Kcat.path, "kcat is not installed")
        let setup = try Setup(partitions: 4)
        try Kcat(bootstrapServers: setup.cluster.bootstrapServers).produce(
            topic: setup.topic, KafkaConsumerTests.records(0..<2000))
        let ledger = RecordingEngine.Ledger()

        // A's engine takes nothing yet: its queue fills and, after a second, A pauses its partitions.
        let queueA = SourceQueue(capacityBytes: 4000)
        let engineA = RecordingEngine(queue: queueA, ledger: ledger)
        let consumerA = try KafkaConsumer(
            properties: setup.properties, topics: [setup.topic], source: 7, queue: queueA, batchSize: 100,
            handshakeTimeout: .seconds(1), log: { _ in })
        try consumerA.start()
        // Joining the group can take long while other suites load the machine.
        #expect(eventually(timeout: .seconds(60)) { consumerA.counters.messages > 0 })
        Thread.sleep(forTimeInterval: 1.5)
        let takenWhileStalled = consumerA.counters.messages

        // B joins. A still polls, so the rebalance goes on (its hand-over times out, as nobody
        // answers) and B reads its share while A's engine is still stalled.
        let queueB = SourceQueue()
        let engineB = RecordingEngine(queue: queueB, ledger: ledger)
        let consumerB = try setup.consumer(queueB, engine: engineB)
        #expect(eventually(timeout: .seconds(60)) { !engineB.deliveries.isEmpty })
        #expect(consumerA.counters.handshakeTimeouts >= 1)
        // The batch A held is given up at each hand-over (a group sometimes takes two rounds to
        // settle); after each, A holds at most one batch (100) again, and takes nothing more.
        let taken = consumerA.counters.messages
        let handovers = consumerA.counters.handshakeTimeouts
        #expect(taken <= takenWhileStalled + 100 * handovers, "A took records while its queue was full")

        // A's engine comes back: between them, A and B deliver every record.
        engineA.start(committingThrough: consumerA)
        let expectedKeys = Set(KafkaConsumerTests.records(0..<2000).map(\.key))
        #expect(eventually { Set(engineA.deliveries.map(\.key) + engineB.deliveries.map(\.key)) == expectedKeys })
        consumerB.stop()
        engineB.stop()
        consumerA.stop()
        engineA.stop()
        #expect(!engineA.deliveries.isEmpty)
        #expect(engineA.violations.isEmpty, "\(engineA.violations)")
        #expect(engineB.violations.isEmpty, "\(engineB.violations)")
    }
}
