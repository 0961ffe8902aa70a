import DriftlineConnectors
import DriftlineMQTT
import DriftlineTestSupport
import Foundation
import Testing

/// The MQTT source against a real mosquitto broker, fed by `mosquitto_pub`.
@Suite(.serialized, .enabled(if: MosquittoBroker.isInstalled, "needs /usr/sbin/mosquitto (package 'mosquitto')"))
struct MQTTSourceTests {
    private static func settings(
        _ broker: MosquittoBroker, clientID: String, version: MQTTSettings.ProtocolVersion = .v311
    )
        -> MQTTSettings
    {
        MQTTSettings(
            host: broker.host, port: broker.port, clientID: clientID, protocolVersion: version,
            reconnectDelayMin: .milliseconds(200), reconnectDelayMax: .seconds(1))
    }

    /// Starts `source` and waits until the broker acknowledged its subscriptions.
    private static func startSubscribed(_ source: MQTTSource) throws {
        source.start()
        let deadline = ContinuousClock.now + .seconds(10)
        while !source.isSubscribed {
            guard ContinuousClock.now < deadline else {
                throw MQTTError(.timedOut, "not subscribed after 10 s: \(source.lastError?.message ?? "no error")")
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }

    private static func payloads(_ prefix: String, _ count: Int) -> [String] {
        (0..<count).map { "\(prefix)-\($0)" }
    }

    private static func distinctPayloads(_ records: [ReceivedRecord]) -> Set<String> {
        Set(records.map(\.payload))
    }

    @Test func wildcardSubscriptionDeliversExactlyThePublishedMessagesWithTheirTopics() throws {
        let broker = try MosquittoBroker()
        let queue = SourceQueue()
        let template = try TopicTemplate("plant/{line}/{device}/inference")
        let source = try MQTTSource(
            settings: Self.settings(broker, clientID: "wildcard-source"), subscriptions: [template.filter],
            queue: queue, source: 3)
        try Self.startSubscribed(source)
        let before = Int64(Date().timeIntervalSince1970 * 1000)

        let topics = ["plant/l1/d1/inference", "plant/l1/d2/inference", "plant/l2/d1/inference"]
        var expected: [String: Int] = [:]
        for (index, topic) in topics.enumerated() {
            let lines = Self.payloads("m\(index)", 300)
            try MosquittoClients.publish(lines, topic: topic, to: broker)
            for line in lines { expected["\(topic) \(line)", default: 0] += 1 }
        }
        // Not under the filter: must not arrive.
        try MosquittoClients.publish(Self.payloads("labels", 50), topic: "plant/l1/d1/labels", to: broker)

        let records = ReceivedRecord.collect(from: queue, timeout: .seconds(15)) { $0.count >= 900 }
        let after = Int64(Date().timeIntervalSince1970 * 1000)
        // Nothing more than the 900 may trickle in.
        let extra = ReceivedRecord.collect(from: queue, timeout: .milliseconds(300)) { _ in false }
        try source.stop()

        var received: [String: Int] = [:]
        for record in records + extra { received["\(record.topic) \(record.payload)", default: 0] += 1 }
        #expect(received == expected)
        // Offsets are the source's own sequence 0, 1, 2, … in arrival order; one partition; arrival timestamps.
        #expect(records.map(\.offset) == (0..<Int64(records.count)).map { $0 })
        #expect(records.allSatisfy { $0.partition == 0 })
        #expect(records.allSatisfy { ($0.timestamp ?? 0) >= before - 1 && ($0.timestamp ?? .max) <= after + 1 })
        // Per topic, QoS 1 from one publisher keeps its order.
        for (index, topic) in topics.enumerated() {
            #expect(records.filter { $0.topic == topic }.map(\.payload) == Self.payloads("m\(index)", 300))
        }
        #expect(source.recordsDelivered == 900)
    }

    @Test(arguments: [MQTTSettings.ProtocolVersion.v311, .v5])
    func messagesPublishedWhileTheSourceIsAwayArriveWhenItComesBack(version: MQTTSettings.ProtocolVersion) throws {
        let broker = try MosquittoBroker()
        let queue = SourceQueue()
        let settings = Self.settings(broker, clientID: "away-source-\(version)", version: version)
        let first = try MQTTSource(settings: settings, subscriptions: ["telemetry/#"], queue: queue, source: 0)
        try Self.startSubscribed(first)
        try first.stop()
        #expect(!first.isConnected)

        let lines = Self.payloads("away", 400)
        try MosquittoClients.publish(lines, topic: "telemetry/line1", to: broker)

        let second = try MQTTSource(settings: settings, subscriptions: ["telemetry/#"], queue: queue, source: 0)
        second.start()
        let records = ReceivedRecord.collect(from: queue, timeout: .seconds(15)) { $0.count >= 400 }
        try second.stop()
        #expect(records.map(\.payload) == lines)
        #expect(records.allSatisfy { $0.topic == "telemetry/line1" })
    }

    @Test func brokerRestartMidStreamLosesNothingTheBrokerAccepted() throws {
        let broker = try MosquittoBroker()
        // A small queue and a slow engine keep most messages queued at the broker when it restarts.
        let queue = SourceQueue(capacityBytes: 2048)
        let source = try MQTTSource(
            settings: Self.settings(broker, clientID: "restart-source"), subscriptions: ["plant/+/restart"],
            queue: queue, source: 0)
        try Self.startSubscribed(source)

        // Nobody takes from the queue until after the restart: it fills, the source's thread waits in the
        // hand-off, and the broker holds the rest of the session's messages when it goes down.
        let before = Self.payloads("before", 1000)
        try MosquittoClients.publish(before, topic: "plant/a/restart", to: broker)  // every one acknowledged
        let deliveredAtRestart = source.recordsDelivered
        try broker.restart()
        // Published right after the restart, while the source is blocked or reconnecting.
        let after = Self.payloads("after", 500)
        try MosquittoClients.publish(after, topic: "plant/b/restart", to: broker)

        let records = ReceivedRecord.collect(from: queue, timeout: .seconds(30), delayPerBatch: .milliseconds(1)) {
            Set($0.map(\.payload)).count >= 1500
        }
        try source.stop()
        #expect(deliveredAtRestart < 1000, "the restart should happen while messages are still queued")
        #expect(Self.distinctPayloads(records) == Set(before + after), "log:\n\(broker.log)")
        #expect(source.lastError?.code == .connectionFailed)  // the restart was noticed
    }

    @Test func aFullQueueSlowsIngestDownWithoutLosingMessages() throws {
        let broker = try MosquittoBroker()
        let queue = SourceQueue(capacityBytes: 256)
        let source = try MQTTSource(
            settings: Self.settings(broker, clientID: "backpressure-source"), subscriptions: ["bp/+"], queue: queue,
            source: 0, batchRecords: 64)
        try Self.startSubscribed(source)

        var expected: [String] = []
        for topic in ["bp/x", "bp/y", "bp/z"] {
            let lines = Self.payloads(topic, 1000)
            try MosquittoClients.publish(lines, topic: topic, to: broker)
            expected += lines
        }
        // The queue admits one small batch at a time; the rest waits at the broker while the engine sleeps 1 ms per batch.
        let records = ReceivedRecord.collect(from: queue, timeout: .seconds(30), delayPerBatch: .milliseconds(1)) {
            $0.count >= 3000
        }
        try source.stop()
        #expect(records.map(\.payload).sorted() == expected.sorted())
        #expect(records.map(\.offset) == (0..<Int64(3000)).map { $0 })
    }
}
