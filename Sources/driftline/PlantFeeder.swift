import DriftlineCore
import DriftlineKafka
import DriftlineMQTT
import DriftlineTestSupport
import Foundation

/// Plays a generated plant stream in (scaled) real time: line L3's inferences over MQTT, every
/// other record over Kafka, and a few malformed records to show dead-lettering.
struct PlantFeeder: Sendable {
    let scenario: TelemetryScenario
    let seed: UInt64
    let speed: Double
    let kafka: String
    let mqttHost: String
    let mqttPort: Int

    init(scenario: TelemetryScenario, seed: UInt64, speed: Double, kafka: String, mosquitto: MosquittoBroker) {
        self.scenario = scenario
        self.seed = seed
        self.speed = speed
        self.kafka = kafka
        mqttHost = mosquitto.host
        mqttPort = mosquitto.port
    }

    /// Records sent each way.
    struct Counts: Sendable {
        var kafka = 0
        var mqtt = 0
        var malformed = 0
    }

    static let malformed: [String] = [
        "this is not JSON",
        #"{"type":"inference","model":"weld-defect-cls","ts":"2026-11-26T00:10:00Z"}"#,
        #"{"type":"inference","model":"weld-defect-cls","version":"3.2.0","ts":"2026-11-26T00:10:00Z","latency_ms":"fast"}"#,
    ]

    func play() throws -> Counts {
        let producer = try KafkaProducer(properties: KafkaProperties(["bootstrap.servers": kafka, "linger.ms": "5"]))
        defer { producer.close() }
        let plant = try MQTTSink(
            settings: MQTTSettings(host: mqttHost, port: mqttPort, clientID: "demo-plant-l3", cleanSession: true))
        plant.start()
        defer { try? plant.stop() }

        var generator = try TelemetryGenerator(scenario: scenario, seed: seed)
        var line: [UInt8] = []
        var counts = Counts()
        let wallStart = Date()
        while true {
            line.removeAll(keepingCapacity: true)
            guard let event = generator.next(into: &line) else { break }
            line.removeLast()  // the newline
            let due = Double(event.timestampMs - scenario.startMs) / 1000 / speed
            let ahead = due - Date().timeIntervalSince(wallStart)
            if ahead > 0.005 { Thread.sleep(forTimeInterval: ahead) }
            if event.kind == .inference && event.lineIndex == 2 {
                try plant.publish(topic: "plant/L3/inference", payload: line)
                counts.mqtt += 1
            } else {
                let key = event.requestNumber.map { "r-\($0)" } ?? "resources"
                try producer.produce(topic: "plant.telemetry", key: key, value: line)
                counts.kafka += 1
            }
            if counts.kafka == 5_000 {
                for record in Self.malformed {
                    try producer.produce(topic: "plant.telemetry", key: "bad", value: Array(record.utf8))
                }
                counts.malformed += Self.malformed.count
                counts.kafka += Self.malformed.count
            }
        }
        _ = producer.flush(timeout: .seconds(30))
        try plant.flush(timeout: .seconds(30))
        return counts
    }
}
