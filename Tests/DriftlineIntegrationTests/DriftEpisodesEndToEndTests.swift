import DriftlineCore
import DriftlineStore
import Foundation
import Testing

/// Three drift episodes generated into one stream — a feature shift, an accuracy decay seen
/// through delayed labels, a latency spike — replayed through the default rules: exactly the
/// alerts and triggers the episode schedule implies, in order, with their evidence; and the
/// period report of the store counts exactly the windows and alert durations of the episodes.
@Suite(.serialized) struct DriftEpisodesEndToEndTests {
    static let model = "weld-defect-cls/3.2.0"

    /// One episode: the rule it should raise, its alert id's tail, the minutes (after the stream
    /// start) it spans, and the rule's `for`.
    struct Episode {
        var rule: String
        var idTail: String
        var from: Int
        var until: Int
        var sustain: Int
        var drift: String
        var retrain: Bool
    }

    static let episodes = [
        Episode(
            rule: "psi_high", idTail: "/_all/current_a", from: 20, until: 40, sustain: 1,
            drift: "feature:current_a:+3@+20m..+40m", retrain: true),
        Episode(
            rule: "accuracy_gap", idTail: "/_all", from: 50, until: 70, sustain: 3, drift: "accuracy:0.80@+50m..+70m",
            retrain: true),
        Episode(
            rule: "latency_p99_high", idTail: "/_all", from: 80, until: 95, sustain: 1, drift: "latency:x3@+80m..+95m",
            retrain: false),
    ]

    static func time(_ minutes: Int) -> String {
        String(format: "2026-11-26T%02d:%02d:00.000Z", minutes / 60, minutes % 60)
    }

    static func object(_ line: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
    }

    @Test func threeEpisodesRaiseExactlyTheirAlertsAndTriggersWithEvidence() throws {
        let work = try Workspace()
        try work.generateWeldLine(seed: 41, duration: "110m", drifts: Self.episodes.map(\.drift))
        try work.run(
            "driftline",
            [
                "replay", "--baseline", "b.json", "--window", "5m", "--label-wait", "10m", "--input", "events.ndjson",
                "--results", "w.ndjson", "--alerts", "a.ndjson", "--store", "s.db",
            ])
        let baseline = try Self.object(String(contentsOf: work.url("b.json"), encoding: .utf8))
        let classification = (baseline["offline"] as? [String: Any])?["classification"] as? [String: Any]
        let offline = try #require(classification?["accuracy"] as? Double)

        // With 5-minute windows, an episode fires in the `for`-th window after it starts and
        // resolves in the first window after it ends; accuracy is judged 10 minutes later (the
        // label wait), so records come in the order of the minute each is decided.
        var expected: [(decided: Int, start: Int, line: String)] = []
        for episode in Self.episodes {
            let fires = episode.from + 5 * (episode.sustain - 1)
            let wait = episode.rule == "accuracy_gap" ? 10 : 0
            let id = "\(episode.rule)/\(Self.model)\(episode.idTail)"
            expected.append((fires + 5 + wait, fires, "\(id) firing \(Self.time(fires))"))
            expected.append((episode.until + 5 + wait, episode.until, "\(id) resolved \(Self.time(episode.until))"))
        }
        expected.sort { ($0.decided, $0.start) < ($1.decided, $1.start) }

        let records = try work.lines("a.ndjson").map(Self.object)
        let alerts = records.filter { $0["type"] as? String == "alert" }.map { alert in
            let window = alert["window"] as! [String: String]
            return "\(alert["alert_id"]!) \(alert["state"]!) \(window["start"]!)"
        }
        #expect(alerts == expected.map(\.line))

        let triggers = records.filter { $0["type"] as? String == "retrain" }
        let retraining = Self.episodes.filter(\.retrain)
        #expect(triggers.count == retraining.count)
        for (trigger, episode) in zip(triggers, retraining) {
            let fires = episode.from + 5 * (episode.sustain - 1)
            let suffix = episode.rule == "accuracy_gap" ? "/labelled" : ""
            #expect(trigger["trigger_id"] as? String == "weld-defect-cls/3.2.0/\(Self.time(fires + 5))\(suffix)")
            let reasons = trigger["reasons"] as! [[String: Any]]
            #expect(reasons.map { $0["rule"] as! String } == [episode.rule])
            // The evidence: the `for` windows of the streak, each beyond the threshold.
            let windows = reasons[0]["windows"] as! [[String: Any]]
            let starts = (0..<episode.sustain).map { Self.time(episode.from + 5 * $0) }
            #expect(windows.map { $0["start"] as! String } == starts)
            let threshold = reasons[0]["threshold"] as! Double
            #expect(windows.allSatisfy { ($0["value"] as! Double) > threshold })
            #expect(windows.last?["value"] as? Double == reasons[0]["value"] as? Double)
            let judged = trigger["baseline"] as! [String: Any]
            #expect(judged["version"] as? String == "3.2.0")
            #expect(judged["task"] as? String == "classification")
            #expect(judged["offline_accuracy"] as? Double == offline)
        }
        try checkReport(work)
    }

    /// The report of the whole stream: 22 five-minute windows; below target while each episode
    /// lasts (gap: windows 50–65, PSI: 20–35, p99: 80–90); alerts as long as their episodes.
    func checkReport(_ work: Workspace) throws {
        let json = try work.run(
            "driftline",
            [
                "report", "--store", "s.db", "--from", Self.time(0), "--to", Self.time(110), "--format", "json",
            ])
        let report = try Self.object(json)
        #expect(report["windows"] as? Int == 22)
        let below = report["below_target"] as! [String: Any]
        #expect(below["psi"] as? Int == 4 && below["accuracy_gap_pp"] as? Int == 4)
        #expect(below["latency_p99"] as? Int == 3 && below["any"] as? Int == 11 && below["share"] as? Double == 0.5)
        #expect(report["triggers"] as? Int == 2)
        let spans = (report["alerts"] as! [[String: Any]]).map {
            "\($0["rule"]!) \(($0["fired"] as! [String: String])["start"]!) \($0["duration_s"]!)"
        }
        #expect(
            spans
                == Self.episodes.map { episode in
                    let fires = episode.from + 5 * (episode.sustain - 1)
                    return "\(episode.rule) \(Self.time(fires)) \((episode.until - fires) * 60)"
                })

        // Retraining criteria: a merged PSI above 0.15 (current_a's, diluted by the 90 quiet
        // minutes) and half the windows below target ask for it; the merged gap does not reach 3.5.
        let store = try HistoryStore(path: work.url("s.db").path, readOnly: true)
        let end = try #require(Timestamp.parseRFC3339(Self.time(110)))
        let reports = try store.periodReports(
            now: end, length: 110 * 60_000, targets: PeriodReport.Targets(),
            criteria: ReportCriteria(accuracyGapPP: 3.5, psi: 0.15, belowTargetShare: 0.4))
        #expect(reports.count == 1)
        let merged = try #require(reports.first?.report.metrics.right.result)
        let currentA = try #require(merged.psi?.first { $0.feature == "current_a" }?.value)
        #expect(currentA > 0.15 && currentA < 0.25)
        #expect(try #require(merged.accuracy.gapPP) < 3.5)
        let trigger = try #require(reports.first?.trigger)
        #expect(trigger.triggerID == "weld-defect-cls/3.2.0/report/\(Self.time(110))")
        #expect(trigger.reasons.map(\.metric.rawValue) == ["psi", "windows_below_target"])
        #expect(trigger.reasons.map(\.value) == [currentA, 0.5])
        #expect(trigger.reasons[0].windows.map(\.start) == [end - 110 * 60_000])
    }
}
