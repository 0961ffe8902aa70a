import DriftlineTestSupport
import Foundation
import GRDB
import Testing

/// `driftline run` with an Alertmanager sink beside a file sink: when the input ends, the run's
/// delivery worker empties the store's outbox into a real Alertmanager before the run exits, and
/// the run summary says so; every transition the file got was delivered.
@Suite(.serialized) struct RunDeliveryEndToEndTests {
    @Test func aRunDeliversEveryTransitionToAlertmanagerBeforeItEnds() throws {
        try #require(Alertmanager.isInstalled, "needs prometheus-alertmanager (scripts/setup.sh)")
        let alertmanager = try Alertmanager()
        let work = try Workspace()
        try work.generateWeldLine(seed: 71, duration: "40m", drifts: ["latency:x3@+10m..+25m"])
        try work.writeEngineConfig()
        _ = try work.write(
            "delivering.yaml",
            """
            name: delivering
            windows: {size: 5m}
            keys: [[], [line]]
            labels: {wait: 5m}
            baselines: [b.json]
            sources:
              - {name: events, type: file, path: events.ndjson}
            sinks:
              results: {type: file, path: windows.ndjson}
              alerts:
                - {type: file, path: alerts.ndjson}
                - {type: alertmanager, url: "\(alertmanager.url)"}
              retrain: {type: file, path: retrain.ndjson}
              dead_letter: {type: file, path: dead.ndjson}
            store: {path: history.db}
            """)
        let output = try work.run("driftline", ["run", "delivering.yaml", "--config", "engine.yaml"])
        let transitions = try work.lines("alerts.ndjson").count
        // The latency episode fires and resolves for the whole model and each line.
        #expect(transitions >= 4 && transitions % 2 == 0, "\(transitions) transitions")
        let sink = "alertmanager \(alertmanager.url)"
        #expect(output.contains("delivery to \(sink): \(transitions) delivered, 0 pending"), "\(output)")
        let outbox = try DatabaseQueue(path: work.url("history.db").path).read { db in
            try Row.fetchAll(
                db, sql: "SELECT record, delivered_at FROM alert_outbox WHERE sink = ? ORDER BY seq", arguments: [sink])
        }
        // Queued in the order the file got them, and every one accepted by Alertmanager.
        #expect(outbox.map { $0["record"] as String } == (try work.lines("alerts.ndjson")))
        #expect(outbox.allSatisfy { ($0["delivered_at"] as Int64?) != nil })
    }
}
