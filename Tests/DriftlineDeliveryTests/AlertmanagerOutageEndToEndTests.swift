import DriftlineCore
import DriftlineDelivery
import DriftlineEngine
import DriftlineStore
import DriftlineTestSupport
import Foundation
import Testing

/// A topology with a store and an Alertmanager sink replays a generated drift episode while
/// Alertmanager is down; once it is back, every transition arrives, in order, and what Alertmanager
/// shows is exactly the alerts whose last transition is firing.
@Suite(.serialized) struct AlertmanagerOutageEndToEndTests {
    @Test func nothingIsLostWhileAlertmanagerIsDownDuringADriftEpisode() async throws {
        // Off the cooperative pool, which blocking tests running alongside may fill.
        try await withTaskExecutorPreference(DeliveryFixture.executor) {
            try await Self.nothingIsLostWhileAlertmanagerIsDownDuringADriftEpisode()
        }
    }

    static func nothingIsLostWhileAlertmanagerIsDownDuringADriftEpisode() async throws {
        try #require(Alertmanager.isInstalled, "needs prometheus-alertmanager (scripts/setup.sh)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("outage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

        // 40 minutes of plant time ending two hours ago: current_a drifts by 3σ from +10m to +25m
        // (psi_high fires, then resolves), latency triples from +20m to the end (fires, stays firing).
        var scenario = TelemetryScenario()
        let hour: Int64 = 3_600_000
        scenario.startMs = (DeliveryFixture.now() - 3 * hour) / hour * hour
        scenario.length = .duration(milliseconds: 40 * 60_000)
        scenario.eventsPerSecond = 10
        scenario.drifts = [
            DriftEpisode(
                .featureShift(feature: "current_a", sigmas: 3), startMs: scenario.startMs + 10 * 60_000,
                endMs: scenario.startMs + 25 * 60_000),
            DriftEpisode(.latencySpike(multiplier: 3), startMs: scenario.startMs + 20 * 60_000),
        ]
        let baseline = try TelemetryBaseline.build(for: scenario, seed: 41)
        var generator = try TelemetryGenerator(scenario: scenario, seed: 42)
        var events: [UInt8] = []
        while let line = generator.next() { events += line }
        try Data(events).write(to: URL(fileURLWithPath: path("events.ndjson")))

        let manager = try Alertmanager()
        let target = DeliveryTarget(
            url: manager.url, kind: .alertmanager(repostIntervalMs: 60_000), timeoutMs: 1_000)
        let topology = Topology(
            name: "outage", time: Topology.TimeSettings(followsClockWhenIdle: false),
            windows: WindowSpec(size: 300_000),
            sources: [
                Topology.SourceSpec(
                    name: "events", transport: .file(path: path("events.ndjson")),
                    mapping: .contract(segmentDimensions: []))
            ],
            sinks: Topology.SinkSpecs(
                results: .file(path: path("windows.ndjson")),
                alerts: [.file(path: path("alerts.ndjson")), .delivery(target)],
                retrain: [.file(path: path("retrain.ndjson"))], deadLetter: .file(path: path("dead.ndjson"))),
            store: Topology.StoreSpec(path: path("history.db")))

        // The worker runs on the store `driftline run` would give it; Alertmanager goes down before the episode.
        let outbox = try HistoryStore(path: path("history.db"))
        let worker = DeliveryWorker(
            target: target, store: outbox, logger: DeliveryFixture.logger,
            backoff: Backoff(initialMs: 100, maximumMs: 1_000))
        let running = Task(executorPreference: DispatchTaskExecutor(label: "driftline-delivery-worker")) {
            await worker.run()
        }
        defer { running.cancel() }
        manager.stop()
        let summary = try Pipeline(topology: topology, baselines: [baseline]).run()
        #expect(summary.outputFailure == nil)

        let transitions = try String(contentsOfFile: path("alerts.ndjson"), encoding: .utf8)
            .split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        let rules = Set(transitions.map { $0["rule"] as! String })
        #expect(rules.isSuperset(of: ["psi_high", "latency_p99_high"]), "\(transitions)")
        #expect(transitions.contains { $0["state"] as? String == "resolved" })
        // Everything is queued; nothing can be delivered.
        let failing = try await DeliveryFixture.eventually(within: 60) { worker.failedAttempts >= 1 }
        #expect(failing)
        #expect(
            try await outbox.deliveryCounts(sink: target.name)
                == DeliveryCounts(delivered: 0, pending: transitions.count))

        try manager.start()
        let drained = try await DeliveryFixture.eventually(within: 60) {
            try await outbox.deliveryCounts(sink: target.name).pending == 0
        }
        try #require(drained, "Alertmanager's log:\n\(manager.log)")
        #expect(
            try await outbox.deliveryCounts(sink: target.name)
                == DeliveryCounts(delivered: transitions.count, pending: 0))

        // Alertmanager shows exactly the alerts whose last transition is firing, labelled as the records say.
        var last: [String: [String: Any]] = [:]
        for transition in transitions { last[transition["alert_id"] as! String] = transition }
        let firing = last.filter { $0.value["state"] as? String == "firing" }
        #expect(!firing.isEmpty)
        let shown = try await DeliveryFixture.activeAlerts(manager.url)
        let shownIDs = shown.compactMap { ($0["annotations"] as? [String: String])?["alert_id"] }
        #expect(Set(shownIDs) == Set(firing.keys))
        #expect(shownIDs.count == firing.count)
        for alert in shown {
            let labels = try #require(alert["labels"] as? [String: String])
            let id = try #require((alert["annotations"] as? [String: String])?["alert_id"])
            let record = try #require(firing[id])
            #expect(labels["alertname"] == record["rule"] as? String)
            #expect(labels["model"] == "weld-defect-cls")
            #expect(labels["version"] == record["version"] as? String)
            #expect(labels["severity"] == record["severity"] as? String)
            #expect(labels["feature"] == record["feature"] as? String)
        }
    }
}
