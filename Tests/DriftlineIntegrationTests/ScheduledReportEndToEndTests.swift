import Foundation
import Testing

/// `driftline run` with `schedule: {cron: "* * * * *"}`: at the next minute the engine writes the
/// period report of its store to `sinks.reports` and, its criteria met, a retraining trigger to
/// `sinks.retrain`. Waits for that minute (60 s at most).
@Suite(.serialized) struct ScheduledReportEndToEndTests {
    @Test func aScheduledRunWritesThePeriodReportAndTheTriggerItAsksFor() throws {
        let work = try Workspace()
        try work.generateWeldLine(seed: 51, duration: "40m", drifts: ["feature:current_a:+3@+20m"])
        try work.writeEngineConfig()
        _ = try work.write(
            "scheduled.yaml",
            """
            name: scheduled
            windows: {size: 5m}
            labels: {wait: 5m}
            baselines: [b.json]
            sources:
              - {name: events, type: stdin}
            sinks:
              results: {type: file, path: windows.ndjson}
              alerts: {type: file, path: alerts.ndjson}
              retrain: {type: file, path: retrain.ndjson}
              dead_letter: {type: file, path: dead.ndjson}
              reports: {type: file, path: reports.ndjson}
            store: {path: history.db}
            schedule:
              cron: "* * * * *"
              period: 3650d
              retrain_when: {psi: 0.5, below_target_share: 0.9}
            """)
        let process = Process()
        process.executableURL = work.executable("driftline")
        process.arguments = ["run", "scheduled.yaml", "--config", "engine.yaml"]
        process.currentDirectoryURL = work.directory
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The stream stays open, as a live one would, until the report has been written.
        input.fileHandleForWriting.write(try Data(contentsOf: work.url("events.ndjson")))
        let deadline = Date().addingTimeInterval(90)
        var reports: [String] = []
        while reports.isEmpty && Date() < deadline && process.isRunning {
            Thread.sleep(forTimeInterval: 0.5)
            reports = (try? work.lines("reports.ndjson")) ?? []
        }
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        try #require(reports.count == 1, "no report within 90 s")

        let report = try JSONSerialization.jsonObject(with: Data(reports[0].utf8)) as! [String: Any]
        #expect(report["type"] as? String == "report" && report["model"] as? String == "weld-defect-cls")
        // Eight five-minute windows; current_a drifts by 3σ in the last four.
        let windows = report["windows"] as? Int ?? 0
        #expect((7...8).contains(windows), "\(windows) windows")
        let below = report["below_target"] as! [String: Any]
        #expect(below["psi"] as? Int == windows - 4)
        let metrics = report["metrics"] as! [[String: Any]]
        let psi = try #require(metrics.first { $0["metric"] as? String == "psi.current_a" }?["period"] as? Double)
        #expect(psi > 0.5)
        // The criteria: PSI above 0.5 asks for retraining; half the windows below target does not.
        let triggers = try work.lines("retrain.ndjson").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        let scheduled = triggers.filter { ($0["trigger_id"] as? String)?.contains("/report/") == true }
        #expect(scheduled.count == 1)
        let reasons = scheduled.first?["reasons"] as? [[String: Any]] ?? []
        #expect(reasons.map { $0["rule"] as? String } == ["decay_report"])
        #expect(reasons.map { $0["feature"] as? String } == ["current_a"])
        #expect(reasons.first?["value"] as? Double == psi)
    }
}
