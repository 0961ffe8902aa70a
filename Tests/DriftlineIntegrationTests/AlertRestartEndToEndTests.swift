import Foundation
import Testing

/// `driftline run` with a history store, stopped while an alert fires and started again on its
/// input read from the start (the worst re-read a restart can make): the store's rule state
/// carries the alert over, so it is not fired again and resolves once, exactly where an
/// uninterrupted run resolves it. `driftline alerts` shows it active in between.
@Suite(.serialized) struct AlertRestartEndToEndTests {
    /// (alert_id, state, window start) of each alert record in `lines`.
    static func transitions(_ lines: [String]) throws -> [String] {
        try lines.compactMap { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            guard object["type"] as? String == "alert" else { return nil }
            let window = object["window"] as! [String: String]
            return "\(object["alert_id"]!) \(object["state"]!) \(window["start"]!)"
        }
    }

    static func topology(input: String, alerts: String, store: String) -> String {
        """
        name: restart
        windows: {size: 5m}
        keys: [[], [line]]
        labels: {wait: 10m}
        baselines: [b.json]
        sources:
          - {name: events, type: file, path: \(input)}
        sinks:
          results: {type: file, path: \(alerts).windows.ndjson}
          alerts: {type: file, path: \(alerts)}
          dead_letter: {type: file, path: \(alerts).dead.ndjson}
        store: {path: \(store)}
        """
    }

    @Test func aRestartedRunNeitherFiresAFiringAlertAgainNorForgetsToResolveIt() throws {
        let work = try Workspace()
        try work.generateWeldLine(seed: 31, duration: "50m", drifts: ["latency:x3@+10m..+35m"])
        // Runs with a store serve its HTTP API: on a free port, beside other tests.
        try work.writeEngineConfig()
        // The first 25 minutes of events (the file is in time order), when latency has been high
        // for 15 minutes.
        let events = try work.lines("events.ndjson")
        let cut = try #require(events.firstIndex { $0.contains("\"ts\":\"2026-11-26T00:25:") })
        _ = try work.write("first.ndjson", events[..<cut].joined(separator: "\n") + "\n")

        _ = try work.write("whole.yaml", Self.topology(input: "events.ndjson", alerts: "a0.ndjson", store: "s0.db"))
        _ = try work.write("first.yaml", Self.topology(input: "first.ndjson", alerts: "a1.ndjson", store: "s.db"))
        _ = try work.write("again.yaml", Self.topology(input: "events.ndjson", alerts: "a2.ndjson", store: "s.db"))
        try work.run("driftline", ["run", "whole.yaml", "--config", "engine.yaml"])
        let whole = try Self.transitions(work.lines("a0.ndjson"))
        let latency = whole.filter { $0.hasPrefix("latency_p99_high/") }
        // The uninterrupted run: the whole model and each line fire once, at 00:10, and resolve
        // once, at 00:35.
        let keys = Set(latency.map { $0.split(separator: " ")[0] })
        #expect(keys.count >= 2 && latency.count == 2 * keys.count, "\(latency)")
        #expect(latency.filter { $0.contains(" firing 2026-11-26T00:10:00.000Z") }.count == keys.count)
        #expect(latency.filter { $0.contains(" resolved 2026-11-26T00:35:00.000Z") }.count == keys.count)

        try work.run("driftline", ["run", "first.yaml", "--config", "engine.yaml"])
        let first = try Self.transitions(work.lines("a1.ndjson"))
        #expect(!first.isEmpty && first.allSatisfy { $0.contains(" firing ") }, "\(first)")
        let active = try work.run("driftline", ["alerts", "--store", "s.db", "--format", "json"])
        let activeIDs = try active.split(separator: "\n").compactMap { line -> String? in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            guard object["type"] as? String == "alert_state" else { return nil }
            #expect(object["status"] as? String == "firing")
            return object["alert_id"] as? String
        }
        #expect(Set(activeIDs) == Set(first.map { String($0.split(separator: " ")[0]) }))

        try work.run("driftline", ["run", "again.yaml", "--config", "engine.yaml"])
        let again = try Self.transitions(work.lines("a2.ndjson"))
        #expect(again.allSatisfy { $0.contains(" resolved ") }, "\(again)")
        #expect(Set(first + again) == Set(whole), "\(first + again) vs \(whole)")
        #expect(first.count + again.count == whole.count)
        let after = try work.run("driftline", ["alerts", "--store", "s.db", "--format", "json"])
        #expect(!after.contains("\"type\":\"alert_state\""))
        let table = try work.run("driftline", ["alerts", "--store", "s.db"])
        #expect(table.hasPrefix("Active alerts: 0\n"))
        #expect(table.contains("latency_p99_high/weld-defect-cls/3.2.0/_all"))
    }
}
