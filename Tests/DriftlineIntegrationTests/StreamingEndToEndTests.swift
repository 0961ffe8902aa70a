import DriftlineCore
import DriftlineEngine
import DriftlineKafka
import DriftlineTestSupport
import Foundation
import Testing

/// Telemetry produced by outside clients (`kcat`, `mosquitto_pub`) into a real Kafka-protocol
/// cluster (librdkafka's mock, 3 brokers) and a real mosquitto broker reaches the engine; its
/// alerts, read back with `kcat` and `mosquitto_sub`, carry the contract's fields.
@Suite(.serialized) struct StreamingEndToEndTests {
    static let model = "weld-defect-cls"
    static let version = "3.2.0"

    @Test func eventsFromKcatAndMosquittoPubBecomeAlertsOnKafkaAndStatusOnMQTT() throws {
        try #require(Tools.available, "needs kcat, mosquitto_pub, mosquitto_sub and mosquitto (scripts/setup.sh)")
        let work = try Workspace()
        let kafka = try MockKafkaCluster(brokers: 3)
        defer { kafka.destroy() }
        for (topic, partitions) in [("telemetry", 3), ("alerts", 1), ("retrain", 1), ("dead", 1)] {
            try kafka.createTopic(topic, partitions: partitions)
        }
        let mosquitto = try MosquittoBroker()
        try mosquitto.start()
        defer { mosquitto.stop() }

        // 21 minutes of plant time at 10 inferences/s; current_a shifts by 3σ from minute 9.
        var scenario = TelemetryScenario()
        scenario.eventsPerSecond = 10
        scenario.length = .duration(milliseconds: 21 * 60_000)
        scenario.drifts = [
            DriftEpisode(.featureShift(feature: "current_a", sigmas: 3), startMs: scenario.startMs + 540_000)
        ]
        let baseline = try TelemetryBaseline.build(for: scenario, seed: 11)
        var generator = try TelemetryGenerator(scenario: scenario, seed: 12)
        var kafkaLines: [String] = []
        var mqttLines: [String] = []
        while let line = generator.next() {
            let text = String(decoding: line.dropLast(), as: UTF8.self)
            // Line L3's inferences travel over MQTT, everything else over Kafka.
            if text.contains(#""type":"inference""#) && text.contains(#""line":"L3""#) {
                mqttLines.append(text)
            } else {
                kafkaLines.append(text)
            }
        }
        kafkaLines.insert("not json at all", at: 100)
        try (kafkaLines.joined(separator: "\n") + "\n").write(
            to: work.url("kafka.ndjson"), atomically: true, encoding: .utf8)
        try (mqttLines.joined(separator: "\n") + "\n").write(
            to: work.url("mqtt.ndjson"), atomically: true, encoding: .utf8)

        let kafkaConnection = Topology.KafkaConnection(properties: ["bootstrap.servers": kafka.bootstrapServers])
        func mqtt(_ clientID: String) -> Topology.MQTTConnection {
            Topology.MQTTConnection(host: mosquitto.host, port: mosquitto.port, clientID: clientID)
        }
        let topology = Topology(
            // Three-minute windows: 1,800 inferences each, 600 per line (PSI is judged from 500).
            // A Kafka partition that receives nothing holds the watermark back until it is idle (5 s).
            name: "e2e", time: Topology.TimeSettings(outOfOrdernessMs: 5_000, idleTimeoutMs: 5_000),
            windows: WindowSpec(size: 180_000), keys: [[], ["line"]], labels: Topology.LabelSettings(waitMs: 60_000),
            sources: [
                Topology.SourceSpec(
                    name: "kafka",
                    transport: .kafka(
                        Topology.KafkaSourceSpec(connection: kafkaConnection, topics: ["telemetry"], group: "e2e")),
                    mapping: .contract(segmentDimensions: ["line"])),
                Topology.SourceSpec(
                    name: "mqtt",
                    transport: .mqtt(
                        Topology.MQTTSourceSpec(connection: mqtt("e2e-source"), topics: ["plant/{line}/inference"])),
                    mapping: .contract(segmentDimensions: ["line"])),
            ],
            sinks: Topology.SinkSpecs(
                results: .mqtt(
                    topic: "driftline/windows", connection: mqtt("e2e-results"), statusPrefix: "driftline/status"),
                alerts: [.kafka(topic: "alerts", connection: kafkaConnection)],
                retrain: [.kafka(topic: "retrain", connection: kafkaConnection)],
                deadLetter: .kafka(topic: "dead", connection: kafkaConnection)))
        let pipeline = Pipeline(topology: topology, baselines: [baseline])
        let engine = BackgroundRun { try pipeline.run() }
        Thread.sleep(forTimeInterval: 3)  // the consumer group joins and the MQTT source subscribes

        try Tools.run(
            "/usr/bin/kcat",
            ["-P", "-b", kafka.bootstrapServers, "-t", "telemetry", "-l", work.url("kafka.ndjson").path])
        try Tools.run(
            "/usr/bin/mosquitto_pub",
            ["-h", mosquitto.host, "-p", "\(mosquitto.port)", "-q", "1", "-t", "plant/L3/inference", "-l"],
            stdin: work.url("mqtt.ndjson"))

        // Every record reaches the engine: wait until it has counted them all.
        let expected = kafkaLines.count + mqttLines.count
        let deadline = Date().addingTimeInterval(60)
        var alerts: [[String: Any]] = []
        while Date() < deadline {
            alerts = try Tools.kcatRead(kafka.bootstrapServers, topic: "alerts")
            if alerts.contains(where: { $0["rule"] as? String == "psi_high" }) { break }
            Thread.sleep(forTimeInterval: 1)
        }
        let status = try Tools.run(
            "/usr/bin/mosquitto_sub",
            [
                "-h", mosquitto.host, "-p", "\(mosquitto.port)", "-C", "1", "-W", "10",
                "-t", "driftline/status/\(Self.model)/\(Self.version)/status",
            ])
        pipeline.stop()
        let summary = try engine.result()

        #expect(summary.records == expected)
        #expect(summary.deadLetters == ["invalidJSON": 1])
        let dead = try Tools.kcatRead(kafka.bootstrapServers, topic: "dead")
        #expect(dead.count == 1)
        #expect(dead.first?["raw"] as? String == "not json at all")
        #expect((dead.first?["reason"] as? String)?.contains("not valid JSON") == true)

        // The first PSI alert, field by field against the contract.
        let psi = try #require(
            alerts.first { $0["rule"] as? String == "psi_high" && ($0["segment"] as? [String: String]) == [:] })
        #expect(psi["type"] as? String == "alert")
        #expect(psi["alert_id"] as? String == "psi_high/\(Self.model)/\(Self.version)/_all/current_a")
        #expect(psi["state"] as? String == "firing")
        #expect(psi["severity"] as? String == "critical")
        #expect(psi["model"] as? String == Self.model)
        #expect(psi["version"] as? String == Self.version)
        #expect(psi["metric"] as? String == "psi")
        #expect(psi["feature"] as? String == "current_a")
        #expect(psi["threshold"] as? Double == 0.25)
        #expect((psi["value"] as? Double ?? 0) > 0.25)
        let window = try #require(psi["window"] as? [String: String])
        #expect(window == ["start": "2026-11-26T00:09:00.000Z", "end": "2026-11-26T00:12:00.000Z"])
        #expect(Timestamp.parseRFC3339(psi["at"] as? String ?? "") != nil)
        // Only the drifted feature alerts, and never before the drift.
        for alert in alerts where alert["state"] as? String == "firing" {
            #expect((alert["window"] as? [String: String])?["start"] ?? "" >= "2026-11-26T00:09:00.000Z")
        }
        // Line L3's inferences came over MQTT only, its topic naming the line: its key alerts too.
        #expect(
            alerts.contains {
                ($0["segment"] as? [String: String]) == ["line": "L3"] && $0["rule"] as? String == "psi_high"
            })

        // The retained whole-model status is a contract window result.
        let latest = try #require(try JSONSerialization.jsonObject(with: Data(status.utf8)) as? [String: Any])
        #expect(latest["type"] as? String == "window")
        #expect(latest["model"] as? String == Self.model)
        #expect((latest["segment"] as? [String: String]) == [:])
        #expect((latest["count"] as? Int ?? 0) > 0)
    }
}

/// The outside clients the tests drive.
enum Tools {
    static var available: Bool {
        ["/usr/bin/kcat", "/usr/bin/mosquitto_pub", "/usr/bin/mosquitto_sub", MosquittoBroker.executablePath]
            .allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs a program to its end (with a clean signal mask, so `mosquitto_sub -W` can time out);
    /// returns its standard output, throws if it fails.
    @discardableResult
    static func run(_ path: String, _ arguments: [String], stdin: URL? = nil) throws -> String {
        let input = try stdin.map { [UInt8](try Data(contentsOf: $0)) } ?? []
        let (status, output) = try ChildProcess.run([path] + arguments, input: input)
        guard status == 0 else {
            throw WorkspaceError(message: "\(path) \(arguments.joined(separator: " ")) exited with status \(status)")
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Every record of a topic, read from the beginning with kcat, as JSON objects.
    static func kcatRead(_ brokers: String, topic: String) throws -> [[String: Any]] {
        try run("/usr/bin/kcat", ["-C", "-b", brokers, "-t", topic, "-o", "beginning", "-e", "-q"])
            .split(separator: "\n").compactMap {
                try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
    }
}

@Suite(.serialized) struct KafkaRecordMetadataTests {
    /// The Kafka message key and a record header, written by kcat, fill the model and version roles.
    @Test func modelFromTheMessageKeyAndVersionFromAHeader() throws {
        try #require(Tools.available, "needs kcat (scripts/setup.sh)")
        let work = try Workspace()
        let kafka = try MockKafkaCluster(brokers: 1)
        defer { kafka.destroy() }
        try kafka.createTopic("plant", partitions: 1)
        // Four inferences without model or version in the payload, at 0, 30, 61 and 130 s past midnight.
        let lines = [0, 30_000, 61_000, 130_000].map {
            #"press-1:{"type":"inference","ts":\#(1_795_651_200_000 + $0),"features":{"x":1},"prediction":"ok"}"#
        }
        try Tools.run(
            "/usr/bin/kcat",
            ["-P", "-b", kafka.bootstrapServers, "-t", "plant", "-K", ":", "-H", "model-version=9.9.9"],
            stdin: try work.write("in.txt", lines.joined(separator: "\n") + "\n"))

        var mapping = FieldMapping.contract(segmentDimensions: [])
        mapping.model = .recordKey
        mapping.version = .recordHeader("model-version")
        let run = KafkaToFiles(
            work, properties: ["bootstrap.servers": kafka.bootstrapServers], topics: ["plant"], group: "meta",
            mapping: mapping)
        run.wait { $0.recordsProcessed >= lines.count }
        let summary = try run.stop()
        #expect(summary.records == 4)
        // The watermark passed 60 s and 120 s: windows [0, 60 s) and [60 s, 120 s) closed.
        let windows = try work.objects("windows.ndjson")
        #expect(windows.map { $0["count"] as? Int } == [2, 1])
        #expect(windows.allSatisfy { $0["model"] as? String == "press-1" && $0["version"] as? String == "9.9.9" })
    }
}
