import DriftlineCore
import DriftlineStore
import Yams

extension TopologyParser {
    /// The `schedule` section: `cron` (UTC), `period` and `retrain_when`. The report is computed
    /// from the store and written to `sinks.reports`, so both must be there; its targets are the
    /// thresholds of the topology's `accuracy_gap`, `psi_high` and `latency_p99_high` rules.
    mutating func scheduleSpec(
        _ node: Node, rules: [RuleSpec], store: Topology.StoreSpec?, sinks: Topology.SinkSpecs?
    ) -> Topology.ScheduleSpec? {
        guard
            let fields = reader.fields(
                node, path: "schedule", allowed: ["cron", "period", "retrain_when"], required: ["cron", "period"])
        else { return nil }
        var cron: (text: String, schedule: CronSchedule)?
        if let cronNode = fields["cron"], let text = reader.string(cronNode, path: fields.path("cron")) {
            do {
                cron = (text, try CronSchedule(text))
            } catch {
                reader.report(.invalidValue, at: cronNode.mark, "\(fields.path("cron")): \(error.description)")
            }
        }
        let period = fields["period"].flatMap { reader.duration($0, path: fields.path("period"), positive: true) }
        var criteria = ReportCriteria()
        if let node = fields["retrain_when"],
            let when = reader.fields(
                node, path: fields.path("retrain_when"),
                allowed: ["accuracy_gap_pp", "psi", "below_target_share"])
        {
            criteria.accuracyGapPP = when["accuracy_gap_pp"].flatMap {
                reader.double($0, path: when.path("accuracy_gap_pp"))
            }
            criteria.psi = when["psi"].flatMap { reader.positiveDouble($0, path: when.path("psi")) }
            criteria.belowTargetShare = when["below_target_share"].flatMap { node -> Double? in
                guard let share = reader.double(node, path: when.path("below_target_share")) else { return nil }
                guard (0..<1).contains(share) else {
                    reader.report(
                        .invalidValue, at: node.mark,
                        "\(when.path("below_target_share")) is a fraction of windows, at least 0 and below 1")
                    return nil
                }
                return share
            }
        }
        if store == nil {
            reader.report(
                .inconsistent, at: node.mark,
                "schedule needs a store: the report is computed from the windows kept there; add store: {path: ...}")
        }
        if sinks != nil && sinks?.reports == nil {
            reader.report(
                .inconsistent, at: node.mark,
                "schedule needs sinks.reports: where its reports go, e.g. {type: file, path: reports.ndjson}")
        }
        guard let cron, let period else { return nil }
        func threshold(_ name: String) -> Double? { rules.first { $0.name == name }?.threshold }
        let defaults = PeriodReport.Targets()
        return Topology.ScheduleSpec(
            cronText: cron.text, cron: cron.schedule, periodMs: period,
            targets: PeriodReport.Targets(
                accuracyGapPP: threshold("accuracy_gap") ?? defaults.accuracyGapPP,
                psi: threshold("psi_high") ?? defaults.psi,
                latencyP99Ms: threshold("latency_p99_high") ?? defaults.latencyP99Ms),
            criteria: criteria)
    }
}
