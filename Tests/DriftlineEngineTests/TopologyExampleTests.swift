import DriftlineCore
import DriftlineEngine
import Foundation
import Testing

/// The example files the repository ships must load.
@Suite struct TopologyExampleTests {
    /// The repository's root, three levels above this file.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().standardizedFileURL.path

    @Test func theWeldLineExampleLoads() throws {
        let topology = try TopologyLoader.load(path: Self.root + "/topologies/weld-line.yaml")
        #expect(topology.name == "weld-line-3")
        #expect(topology.windows == WindowSpec(size: 300_000, hop: 60_000))
        #expect(topology.reviseEveryMs == 300_000)
        #expect(topology.processorSettings.reviseEvery == 300_000)
        #expect(topology.processorSettings.forgetKeysAfter == 86_400_000)  // the default, a day
        #expect(topology.keys == [[], ["line"], ["line", "device"]])
        #expect(topology.labels == .init(waitMs: 1_200_000, maxPending: 500_000))  // 20 × 60,000 ms
        #expect(topology.baselinePaths == [Self.root + "/baselines/weld-defect-cls"])
        #expect(
            topology.sources == [
                .init(
                    name: "weld-events", transport: .file(path: Self.root + "/data/weld-line/events.ndjson"),
                    mapping: .contract(segmentDimensions: ["device", "line"]))
            ])
        #expect(topology.sinks.deadLetter == .file(path: Self.root + "/out/weld-line/dead-letter.ndjson"))
        #expect(
            topology.rules.map(\.name) == [
                "psi_high", "accuracy_gap", "latency_p99_high", "missing_inputs", "throughput_drop",
            ])
        #expect(topology.rules[3].metric == .missingRate(.all) && topology.rules[3].sustain == 2)
        #expect(topology.rules[4].dropVsTrailing == 12)
        #expect(topology.rules[0].threshold == 0.2)
        #expect(Array(topology.rules[1...2]) == Array(RuleSpec.defaults[1...2]))
    }

    @Test func theStreamingExampleLoads() throws {
        let topology = try TopologyLoader.load(path: Self.root + "/topologies/weld-line-streaming.yaml")
        let kafka = Topology.KafkaConnection(properties: [
            "bootstrap.servers": "127.0.0.1:9092", "client.id": "driftline-weld-line-3",
        ])
        var broker = Topology.MQTTConnection(
            host: "127.0.0.1", clientID: "driftline-weld-l3", username: "driftline", password: "change-me",
            protocolVersion: 5)
        var inference = FieldMapping.contract(segmentDimensions: ["device", "line"])
        inference.fixedKind = .inference
        #expect(
            topology.sources == [
                .init(
                    name: "central",
                    transport: .kafka(
                        .init(connection: kafka, topics: ["weld.inference", "weld.labels"], group: "driftline-weld")),
                    mapping: .contract(segmentDimensions: ["device", "line"])),
                .init(
                    name: "line3",
                    transport: .mqtt(.init(connection: broker, topics: ["plant/{line}/{device}/inference"])),
                    fixedKind: .inference, mapping: inference),
            ])
        broker.clientID = "driftline-weld-line-3-streaming-alerts"
        #expect(topology.forgetKeysAfterMs == 21_600_000)  // 6 h
        #expect(topology.processorSettings.forgetKeysAfter == 21_600_000)
        #expect(
            topology.sinks
                == .init(
                    results: .kafka(topic: "driftline.windows", connection: kafka),
                    alerts: [.mqtt(topic: "plant/alerts", connection: broker, statusPrefix: "plant/status")],
                    retrain: [.kafka(topic: "driftline.retrain", connection: kafka)],
                    deadLetter: .kafka(topic: "driftline.dead-letter", connection: kafka)))
    }

    @Test func theEngineConfigExampleLoads() throws {
        let config = try EngineConfig.load(path: Self.root + "/configs/engine.yaml")
        #expect(config == EngineConfig(httpHost: "127.0.0.1", httpPort: 9464, logLevel: .info))
    }
}
