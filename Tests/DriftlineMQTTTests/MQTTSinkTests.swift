import DriftlineMQTT
import DriftlineTestSupport
import Foundation
import Testing

/// The MQTT sink against a real mosquitto broker, read back with `mosquitto_sub`.
@Suite(.serialized, .enabled(if: MosquittoBroker.isInstalled, "needs /usr/sbin/mosquitto (package 'mosquitto')"))
struct MQTTSinkTests {
    /// A started sink, connected.
    private static func sink(_ broker: MosquittoBroker, clientID: String) throws -> MQTTSink {
        let sink = try MQTTSink(
            settings: MQTTSettings(
                host: broker.host, port: broker.port, clientID: clientID, reconnectDelayMin: .milliseconds(200),
                reconnectDelayMax: .seconds(1)))
        sink.start()
        let deadline = Date().addingTimeInterval(10)
        while !sink.isConnected && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        return sink
    }

    @Test func publishedRecordsReachAnOutsideSubscriberExactlyOnce() throws {
        let broker = try MosquittoBroker()
        try MosquittoClients.createSession(clientID: "alerts-reader", filter: "alerts/#", on: broker)
        let sink = try Self.sink(broker, clientID: "alerts-sink")
        var expected: [String] = []
        for index in 0..<600 {
            let topic = "alerts/model-\(index % 3)"
            let payload = #"{"alert":\#(index)}"#
            try sink.publish(topic: topic, payload: Array(payload.utf8))
            expected.append("0 \(topic) \(payload)")
        }
        try sink.flush(timeout: .seconds(10))
        #expect(sink.inFlightCount == 0)
        #expect(sink.isConnected)
        try sink.stop()

        // Everything the session holds (`-W 2` ends the read): each record, and at most a stray duplicate
        // (at-least-once; libmosquitto 2.0.11 was seen re-sending one message without a reconnect).
        let received = try MosquittoClients.receive(
            count: 100_000, clientID: "alerts-reader", filter: "alerts/#", on: broker, timeout: 2)
        #expect(Set(received) == Set(expected))
        #expect(received.count >= 600 && received.count <= 603)
    }

    @Test func latestStatusPerModelIsRetainedForLateSubscribers() throws {
        let broker = try MosquittoBroker()
        let sink = try Self.sink(broker, clientID: "status-sink")
        try sink.publishStatus(model: "vision", version: "3", payload: Array("drifting".utf8))
        try sink.publishStatus(model: "vision", version: "3", payload: Array("ok".utf8))
        try sink.publishStatus(model: "torque", version: "1", payload: Array("ok".utf8))
        try sink.flush(timeout: .seconds(10))
        try sink.stop()

        // A subscriber that arrives later gets the last retained message of each topic, flagged retained (1).
        let received = try MosquittoClients.receive(count: 2, filter: "driftline/status/#", on: broker, timeout: 5)
        #expect(
            received.sorted() == ["1 driftline/status/torque/1/status ok", "1 driftline/status/vision/3/status ok"])
    }

    @Test func publishesDuringABrokerRestartAreAcknowledgedAfterTheReconnect() throws {
        let broker = try MosquittoBroker()
        try MosquittoClients.createSession(clientID: "restart-reader", filter: "out/#", on: broker)
        let sink = try Self.sink(broker, clientID: "restart-sink")
        var expected = Set<String>()
        for index in 0..<300 {
            if index == 150 { broker.stop() }
            if index == 200 { try broker.start() }
            try sink.publish(topic: "out/r", payload: Array("r\(index)".utf8))
            expected.insert("0 out/r r\(index)")
        }
        try sink.flush(timeout: .seconds(15))
        try sink.stop()
        // At least once: each message arrives; one in flight at the restart may arrive twice. `-W 3` ends the read.
        let received = try MosquittoClients.receive(
            count: 100_000, clientID: "restart-reader", filter: "out/#", on: broker, timeout: 3)
        #expect(Set(received) == expected)
        #expect(received.count >= 300 && received.count <= 450)
    }

    @Test(arguments: ["a/+", "a/#", ""])
    func wildcardTopicsCannotBePublishedTo(_ topic: String) throws {
        let sink = try MQTTSink(settings: MQTTSettings(clientID: "never-started"))
        #expect {
            try sink.publish(topic: topic, payload: [1])
        } throws: { error in
            (error as? MQTTError)?.code == .invalidTopic
        }
    }
}
