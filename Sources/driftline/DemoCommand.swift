import ArgumentParser
import DriftlineConnectors
import DriftlineCore
import DriftlineEngine
import DriftlineKafka
import DriftlineMQTT
import DriftlineTestSupport
import Foundation

/// `driftline demo`: a plant streaming telemetry with a drift episode through an embedded Kafka
/// cluster and a local mosquitto, and the alerts and retraining triggers arriving on the output topics.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Stream generated plant telemetry with a drift episode through Kafka and MQTT; show the alerts.",
        discussion: """
            Starts librdkafka's mock Kafka cluster (3 brokers) and a mosquitto broker on loopback, builds \
            the model's baseline from generated reference and test data, and plays an hour of plant \
            telemetry (lines L1 and L2 over Kafka, line L3 over MQTT) at --speed times real time. \
            The current feature drifts at 00:20, accuracy drops at 00:25 and latency triples at 00:30 \
            (plant time). Alerts and retraining triggers are read back from their Kafka topics as they arrive.
            """)

    @Option(help: "Plant seconds played per wall-clock second.")
    var speed = 120.0
    @Option(help: "Minutes of plant time to play.")
    var minutes = 60
    @Option(help: "Inferences per second of plant time.")
    var rate = 20.0
    @Option(help: "Seed of the generated telemetry.")
    var seed: UInt64 = 42

    func run() throws {
        guard MosquittoBroker.isInstalled else {
            throw ValidationError(
                "the demo needs the mosquitto broker: run scripts/setup.sh (apt-get install mosquitto)")
        }
        let kafka = try MockKafkaCluster(brokers: 3)
        defer { kafka.destroy() }
        for (topic, partitions) in [
            ("plant.telemetry", 6), ("driftline.alerts", 1), ("driftline.retrain", 1), ("driftline.dead-letter", 1),
        ] {
            try kafka.createTopic(topic, partitions: partitions)
        }
        let mosquitto = try MosquittoBroker()
        try mosquitto.start()
        defer { mosquitto.stop() }
        print(
            "Embedded Kafka cluster (3 brokers) at \(kafka.bootstrapServers); mosquitto at \(mosquitto.host):\(mosquitto.port)"
        )

        var scenario = TelemetryScenario()
        scenario.eventsPerSecond = rate
        scenario.length = .duration(milliseconds: Int64(minutes) * 60_000)
        let start = scenario.startMs
        scenario.drifts = [
            DriftEpisode(.featureShift(feature: "current_a", sigmas: 3), startMs: start + 20 * 60_000),
            DriftEpisode(.accuracyDrop(to: 0.80), startMs: start + 25 * 60_000),
            DriftEpisode(.latencySpike(multiplier: 3), startMs: start + 30 * 60_000),
        ]
        let baseline = try TelemetryBaseline.build(for: scenario, seed: seed)
        let model = scenario.models[0]
        print(
            "Baseline of \(model.name) \(model.version): \(baseline.features.count) features from "
                + "\(baseline.createdFrom.referenceRows) reference rows, offline accuracy "
                + String(format: "%.3f", baseline.offline?.accuracy ?? .nan))
        print(
            "Playing \(minutes) min of plant time at \(Int(speed))× (\(Int(Double(minutes * 60) / speed)) s): "
                + "current_a +3σ from 00:20, accuracy 0.80 from 00:25, latency ×3 from 00:30\n")

        let kafkaConnection = Topology.KafkaConnection(properties: ["bootstrap.servers": kafka.bootstrapServers])
        func mqtt(_ clientID: String) -> Topology.MQTTConnection {
            Topology.MQTTConnection(host: mosquitto.host, port: mosquitto.port, clientID: clientID)
        }
        let topology = Topology(
            name: "demo", time: Topology.TimeSettings(outOfOrdernessMs: 2_000, idleTimeoutMs: 10_000),
            windows: WindowSpec(size: 300_000), keys: [[], ["line"]],
            labels: Topology.LabelSettings(waitMs: 15 * 60_000),
            sources: [
                Topology.SourceSpec(
                    name: "plant-kafka",
                    transport: .kafka(
                        Topology.KafkaSourceSpec(
                            connection: kafkaConnection, topics: ["plant.telemetry"], group: "driftline-demo")),
                    mapping: .contract(segmentDimensions: ["line"])),
                Topology.SourceSpec(
                    name: "line-mqtt",
                    transport: .mqtt(
                        Topology.MQTTSourceSpec(
                            connection: mqtt("driftline-demo-source"), topics: ["plant/{line}/inference"])),
                    mapping: .contract(segmentDimensions: ["line"])),
            ],
            sinks: Topology.SinkSpecs(
                results: .mqtt(
                    topic: "driftline/windows", connection: mqtt("driftline-demo-results"),
                    statusPrefix: "driftline/status"),
                alerts: [.kafka(topic: "driftline.alerts", connection: kafkaConnection)],
                retrain: [.kafka(topic: "driftline.retrain", connection: kafkaConnection)],
                deadLetter: .kafka(topic: "driftline.dead-letter", connection: kafkaConnection)))
        let pipeline = Pipeline(topology: topology, baselines: [baseline])
        let engine = BackgroundRun { try pipeline.run() }

        let watcherQueue = SourceQueue()
        let watcher = try KafkaConsumer(
            properties: KafkaProperties(["bootstrap.servers": kafka.bootstrapServers, "group.id": "demo-watch"]),
            topics: ["driftline.alerts", "driftline.retrain"], source: 0, queue: watcherQueue)
        try watcher.start()
        defer { watcher.stop() }

        // MQTT keeps messages only for sessions that exist: let the engine subscribe first.
        Thread.sleep(forTimeInterval: 2)
        let plant = PlantFeeder(
            scenario: scenario, seed: seed, speed: speed, kafka: kafka.bootstrapServers, mosquitto: mosquitto)
        let feeder = BackgroundRun { try plant.play() }
        var shown = DemoPrinter(startMs: start)
        while !feeder.isFinished {
            if let message = watcherQueue.take(timeout: .milliseconds(200)) { shown.show(message) }
        }
        let fed = try feeder.result()
        // Let the engine take every record sent, then the last outputs reach their topics.
        let deadline = Date().addingTimeInterval(30)
        var settle = Date().addingTimeInterval(2)
        while Date() < deadline && (pipeline.recordsProcessed < fed.kafka + fed.mqtt || Date() < settle) {
            if pipeline.recordsProcessed < fed.kafka + fed.mqtt { settle = Date().addingTimeInterval(2) }
            if let message = watcherQueue.take(timeout: .milliseconds(200)) { shown.show(message) }
        }
        pipeline.stop()
        let summary = try engine.result()
        while let message = watcherQueue.take(timeout: .milliseconds(500)) { shown.show(message) }
        print(
            """

            Fed \(fed.kafka) records over Kafka (plant.telemetry) and \(fed.mqtt) over MQTT (plant/L3/inference), \
            \(fed.malformed) of them malformed on purpose.
            \(summary.report)
            Read back \(shown.alerts) alerts and \(shown.triggers) retraining triggers from Kafka \
            (driftline.alerts, driftline.retrain). Window results went to MQTT driftline/windows, the latest \
            whole-model status retained under driftline/status/\(model.name)/\(model.version)/status; malformed \
            records to Kafka driftline.dead-letter.
            """)
    }
}
