public import DriftlineCore
import Foundation
import GRDB

/// The periodic decay assessment of one model version (its whole-model key): every metric over
/// a period against the period of the same length before, the alerts of the period and how long
/// they lasted, and how many windows missed their targets.
public struct PeriodReport: Equatable, Sendable {
    /// The values a window must keep to meet its targets (the default rules' thresholds).
    public struct Targets: Equatable, Sendable {
        /// Online accuracy at most this many points below offline.
        public var accuracyGapPP: Double
        /// Every feature's PSI at most this.
        public var psi: Double
        /// p99 latency at most this (milliseconds).
        public var latencyP99Ms: Double

        public init(accuracyGapPP: Double = 3, psi: Double = 0.25, latencyP99Ms: Double = 100) {
            self.accuracyGapPP = accuracyGapPP
            self.psi = psi
            self.latencyP99Ms = latencyP99Ms
        }
    }

    /// Windows of the period that missed a target (a window may miss several).
    public struct BelowTarget: Equatable, Sendable {
        public var accuracyGap = 0
        public var psi = 0
        public var latencyP99 = 0
        /// Windows that missed at least one target.
        public var any = 0
    }

    /// One alert's time firing: from the window that fired it to the window that resolved it.
    public struct AlertSpan: Equatable, Sendable {
        public var alertID: String
        public var rule: String
        public var segment: String
        public var feature: String?
        public var firedStart: Int64
        public var firedEnd: Int64
        /// The window that resolved it; `nil` while it still fires.
        public var resolvedStart: Int64?
        public var resolvedEnd: Int64?
        /// From the start of the window that fired to the start of the one that resolved, or to
        /// the end of the period while it still fires (milliseconds).
        public var duration: Int64
    }

    public var model: String
    public var version: String
    /// The period: windows starting from `from` (inclusive) to `to` (exclusive).
    public var from: Int64
    public var to: Int64
    /// Every metric of the merged period against the merged period before (`left`: before).
    public var metrics: Comparison
    /// Whole-model windows of the period (latest revisions).
    public var windows: Int
    public var targets: Targets
    public var belowTarget: BelowTarget
    /// Alerts of any key of the version that fired during the period, or before it and still fired.
    public var alerts: [AlertSpan]
    /// Retraining triggers of the version made by rules during the period.
    public var triggers: Int

    /// The share of windows that missed a target; `nil` without windows.
    public var belowTargetShare: Double? {
        windows > 0 ? Double(belowTarget.any) / Double(windows) : nil
    }
}

/// When a period report asks for retraining: each condition set is checked against the period's
/// merged values; any one met is a reason.
public struct ReportCriteria: Equatable, Sendable {
    /// The merged accuracy gap of the period above this many points.
    public var accuracyGapPP: Double?
    /// Some feature's merged PSI over the period above this.
    public var psi: Double?
    /// The share of windows below target above this fraction.
    public var belowTargetShare: Double?

    /// The name retraining reasons of a report carry as their rule.
    public static let rule = "decay_report"
    /// The metric of the below-target reason.
    public static let belowTargetMetric = RuleMetric(rawValue: "windows_below_target")

    public init(accuracyGapPP: Double? = nil, psi: Double? = nil, belowTargetShare: Double? = nil) {
        self.accuracyGapPP = accuracyGapPP
        self.psi = psi
        self.belowTargetShare = belowTargetShare
    }

    /// The reasons `report` gives for retraining under these criteria, in the order gap, PSI (by
    /// feature), below-target share; each carries the period as its window.
    public func reasons(for report: PeriodReport) -> [RetrainTrigger.Reason] {
        let period = [RuleState.Window(start: report.from, end: report.to, value: 0)]
        func reason(
            _ metric: RuleMetric, _ feature: String?, _ value: Double, _ threshold: Double
        )
            -> RetrainTrigger.Reason
        {
            var windows = period
            windows[0].value = value
            return RetrainTrigger.Reason(
                rule: Self.rule, metric: metric, feature: feature, value: value, threshold: threshold, segment: "_all",
                windows: windows)
        }
        var reasons: [RetrainTrigger.Reason] = []
        let merged = report.metrics.right.result
        if let threshold = accuracyGapPP, let gap = merged?.accuracy.gapPP, gap > threshold {
            reasons.append(reason(.accuracyGap, nil, gap, threshold))
        }
        if let threshold = psi {
            for metric in merged?.psi ?? [] {
                if let value = metric.value, value > threshold {
                    reasons.append(reason(.psi, metric.feature, value, threshold))
                }
            }
        }
        if let threshold = belowTargetShare, let share = report.belowTargetShare, share > threshold {
            reasons.append(reason(Self.belowTargetMetric, nil, share, threshold))
        }
        return reasons
    }

    /// The trigger `report` makes under these criteria at processing time `now`, if any:
    /// `model/version/report/<period end>`.
    public func trigger(for report: PeriodReport, now: Int64) -> RetrainTrigger? {
        let reasons = reasons(for: report)
        guard !reasons.isEmpty else { return nil }
        let baseline = report.metrics.right.result?.accuracy.offline
        return RetrainTrigger(
            triggerID: "\(report.model)/\(report.version)/report/\(Timestamp.format(report.to))", model: report.model,
            version: report.version, reasons: reasons, windowStart: report.from, windowEnd: report.to, at: now,
            offlineAccuracy: baseline)
    }
}

extension HistoryStore {
    /// The model versions with windows starting in [from, to), by model and version.
    public func versions(from: Int64, to: Int64) throws -> [(model: String, version: String)] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT s.model, s.version FROM windows w JOIN series s ON s.id = w.series
                    WHERE s.segment = '_all' AND w.window_start >= ? AND w.window_start < ?
                    ORDER BY s.model, s.version
                    """, arguments: [from, to]
            ).map { ($0["model"], $0["version"]) }
        }
    }

    /// The reports of the period of `length` milliseconds ending at `now` for every model version
    /// with windows in it, each with the retraining trigger `criteria` ask for (if any): what a
    /// scheduled evaluation writes.
    public func periodReports(
        now: Int64, length: Int64, targets: PeriodReport.Targets, criteria: ReportCriteria
    ) throws -> [(report: PeriodReport, trigger: RetrainTrigger?)] {
        try versions(from: now - length, to: now).map { model, version in
            let report = try report(model: model, version: version, from: now - length, to: now, targets: targets)
            return (report, criteria.trigger(for: report, now: now))
        }
    }

    /// The report of `model` `version` over the windows starting in [from, to), judged against
    /// `targets`. Periods of two days or more merge hourly rollups where the store has them.
    public func report(
        model: String, version: String, from: Int64, to: Int64, targets: PeriodReport.Targets
    )
        throws -> PeriodReport
    {
        let length = to - from
        var request = ComparisonRequest(
            model: model, segment: [], left: .init(version: version, from: from - length, to: from),
            right: .init(version: version, from: from, to: to), resolution: length >= 2 * 86_400_000 ? .hour : .raw,
            metrics: [])
        var metrics = try compare(request)
        if metrics.resolution == .hour && metrics.right.windows == 0 {
            request.resolution = .raw
            metrics = try compare(request)
        }
        return try read { db in
            let (windows, below) = try Self.windowsBelowTarget(model, version, from, to, targets, db)
            let triggers =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM retrain_triggers
                        WHERE model = ? AND version = ? AND window_start >= ? AND window_start < ?
                        """, arguments: [model, version, from, to]) ?? 0
            return PeriodReport(
                model: model, version: version, from: from, to: to, metrics: metrics, windows: windows,
                targets: targets, belowTarget: below, alerts: try Self.alertSpans(model, version, from, to, db),
                triggers: triggers)
        }
    }

    private static func windowsBelowTarget(
        _ model: String, _ version: String, _ from: Int64, _ to: Int64, _ targets: PeriodReport.Targets,
        _ db: Database
    ) throws -> (Int, PeriodReport.BelowTarget) {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT w.accuracy_gap_pp AS gap, w.latency_p99 AS p99,
                    (SELECT MAX(p.value) FROM json_each(w.psi) p) AS psi
                FROM windows w JOIN series s ON s.id = w.series
                WHERE s.model = ? AND s.version = ? AND s.segment = '_all' AND w.window_start >= ?
                    AND w.window_start < ? AND w.latest = 1
                """, arguments: [model, version, from, to])
        var below = PeriodReport.BelowTarget()
        for row in rows {
            let gap = (row["gap"] as Double?).map { $0 > targets.accuracyGapPP } ?? false
            let psi = (row["psi"] as Double?).map { $0 > targets.psi } ?? false
            let p99 = (row["p99"] as Double?).map { $0 > targets.latencyP99Ms } ?? false
            if gap { below.accuracyGap += 1 }
            if psi { below.psi += 1 }
            if p99 { below.latencyP99 += 1 }
            if gap || psi || p99 { below.any += 1 }
        }
        return (rows.count, below)
    }

    /// Pairs each firing with the next resolved of its alert id; keeps the spans that overlap the
    /// period. A repeated `firing` of a firing alert is part of its span.
    private static func alertSpans(
        _ model: String, _ version: String, _ from: Int64, _ to: Int64, _ db: Database
    ) throws -> [PeriodReport.AlertSpan] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT alert_id, state, rule, segment, feature, window_start, window_end FROM alerts
                WHERE model = ? AND version = ? AND window_start < ? ORDER BY alert_id, window_start
                """, arguments: [model, version, to])
        var spans: [PeriodReport.AlertSpan] = []
        var open: PeriodReport.AlertSpan?
        func close() {
            if let span = open, span.resolvedStart.map({ $0 > from }) ?? true {
                var kept = span
                kept.duration = (span.resolvedStart ?? to) - span.firedStart
                spans.append(kept)
            }
            open = nil
        }
        for row in rows {
            let id: String = row["alert_id"]
            let state: String = row["state"]
            if let span = open, span.alertID != id { close() }
            if state == "firing" {
                guard open == nil else { continue }
                open = PeriodReport.AlertSpan(
                    alertID: id, rule: row["rule"], segment: row["segment"], feature: row["feature"],
                    firedStart: row["window_start"], firedEnd: row["window_end"], resolvedStart: nil,
                    resolvedEnd: nil, duration: 0)
            } else if open != nil {
                open?.resolvedStart = row["window_start"]
                open?.resolvedEnd = row["window_end"]
                close()
            }
        }
        close()
        return spans.sorted { ($0.firedStart, $0.alertID) < ($1.firedStart, $1.alertID) }
    }
}

extension PeriodReport: Encodable {
    private enum Keys: String, CodingKey {
        case type, model, version, period, previous, start, end, windows, targets, belowTarget = "below_target"
        case accuracyGapPP = "accuracy_gap_pp", psi, latencyP99Ms = "latency_p99_ms", latencyP99 = "latency_p99"
        case any, share, metrics, metric, change, alerts, alertID = "alert_id", rule, segment, feature, fired
        case resolved, durationSeconds = "duration_s", triggers
    }

    /// `{"type": "report", "model", "version", "period": {start, end}, "previous": {start, end},
    /// "windows", "targets", "below_target": {accuracy_gap_pp, psi, latency_p99, any, share},
    /// "metrics": [{metric, previous, period, change}], "alerts": [{alert_id, rule, segment,
    /// feature, fired: {start, end}, resolved: {start, end} | null, duration_s}], "triggers"}`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode("report", forKey: .type)
        try c.encode(model, forKey: .model)
        try c.encode(version, forKey: .version)
        func span(_ key: Keys, _ start: Int64, _ end: Int64, in container: inout KeyedEncodingContainer<Keys>) throws {
            var nested = container.nestedContainer(keyedBy: Keys.self, forKey: key)
            try nested.encode(Timestamp.format(start), forKey: .start)
            try nested.encode(Timestamp.format(end), forKey: .end)
        }
        try span(.period, from, to, in: &c)
        try span(.previous, metrics.left.from, metrics.left.to, in: &c)
        try c.encode(windows, forKey: .windows)
        var target = c.nestedContainer(keyedBy: Keys.self, forKey: .targets)
        try target.encode(targets.accuracyGapPP, forKey: .accuracyGapPP)
        try target.encode(targets.psi, forKey: .psi)
        try target.encode(targets.latencyP99Ms, forKey: .latencyP99Ms)
        var below = c.nestedContainer(keyedBy: Keys.self, forKey: .belowTarget)
        try below.encode(belowTarget.accuracyGap, forKey: .accuracyGapPP)
        try below.encode(belowTarget.psi, forKey: .psi)
        try below.encode(belowTarget.latencyP99, forKey: .latencyP99)
        try below.encode(belowTarget.any, forKey: .any)
        try below.encode(belowTargetShare, forKey: .share)
        var list = c.nestedUnkeyedContainer(forKey: .metrics)
        for row in metrics.rows {
            var item = list.nestedContainer(keyedBy: Keys.self)
            try item.encode(row.metric, forKey: .metric)
            try item.encode(row.left, forKey: .previous)
            try item.encode(row.right, forKey: .period)
            try item.encode(row.difference, forKey: .change)
        }
        var alertList = c.nestedUnkeyedContainer(forKey: .alerts)
        for alert in alerts {
            var item = alertList.nestedContainer(keyedBy: Keys.self)
            try item.encode(alert.alertID, forKey: .alertID)
            try item.encode(alert.rule, forKey: .rule)
            try item.encode(alert.segment, forKey: .segment)
            try item.encode(alert.feature, forKey: .feature)
            try span(.fired, alert.firedStart, alert.firedEnd, in: &item)
            if let start = alert.resolvedStart, let end = alert.resolvedEnd {
                try span(.resolved, start, end, in: &item)
            } else {
                try item.encodeNil(forKey: .resolved)
            }
            try item.encode(alert.duration / 1_000, forKey: .durationSeconds)
        }
        try c.encode(triggers, forKey: .triggers)
    }
}
