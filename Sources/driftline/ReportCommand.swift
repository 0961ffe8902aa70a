import ArgumentParser
import DriftlineCore
import DriftlineStore
import Foundation

/// `driftline report`: the periodic decay assessment of each model version, from the store.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract:
            "A period's decay report per model version: metric trends, alerts and their durations, windows below target.",
        discussion: """
            Every metric of the period (its windows' counts merged) against the period of the same length \
            before it; the alerts that fired in it with how long they lasted; the whole-model windows that \
            missed a target. A topology's `schedule:` writes the same report on a cron schedule. Examples:
              driftline report --store history.db --from -30d
              driftline report --store history.db --model weld-defect-cls --version 3.2.0 \\
                --from 2026-11-01T00:00:00Z --to 2026-12-01T00:00:00Z --format json
            """)

    /// How reports are printed.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(help: "The SQLite history store to read (opened read-only).")
    var store: String
    @Option(help: "Only this model.")
    var model: String?
    @Option(help: "Only this model version.")
    var version: String?
    @Option(parsing: .unconditional, help: "Windows starting at or after this time: RFC 3339 or relative (-30d).")
    var from = "-30d"
    @Option(parsing: .unconditional, help: "Windows starting before this time: RFC 3339 or relative; default now.")
    var to: String?
    @Option(help: "Target: online accuracy at most this many points below offline.")
    var gapTarget = PeriodReport.Targets().accuracyGapPP
    @Option(help: "Target: every feature's PSI at most this.")
    var psiTarget = PeriodReport.Targets().psi
    @Option(help: "Target: p99 latency at most this many milliseconds.")
    var latencyTarget = PeriodReport.Targets().latencyP99Ms
    @Option(help: "text, or json (one report record per model version and line).")
    var format: Format = .text

    func run() throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let period: (from: Int64, to: Int64)
        do {
            var end = now
            if let to { end = try QueryFilters.time(to, parameter: "to", now: now, spelling: .option) }
            period = (try QueryFilters.time(from, parameter: "from", now: now, spelling: .option), end)
        } catch {
            throw ValidationError(error.message)
        }
        guard period.from < period.to else { throw ValidationError("--from must be before --to") }
        let history = try HistoryStore.forCommand(store)
        let targets = PeriodReport.Targets(accuracyGapPP: gapTarget, psi: psiTarget, latencyP99Ms: latencyTarget)
        var out = ""
        for (model, version) in try history.versions(from: period.from, to: period.to)
        where (self.model ?? model) == model && (self.version ?? version) == version {
            let report = try history.report(
                model: model, version: version, from: period.from, to: period.to, targets: targets)
            switch format {
            case .json: out += String(decoding: try ContractEncoder().encode(report), as: UTF8.self) + "\n"
            case .text: out += report.text + "\n"
            }
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}

extension PeriodReport {
    /// The report for people: a heading, the windows below target, the metrics table, the alerts.
    var text: String {
        var out = "\(model) \(version): \(Timestamp.format(from)) .. \(Timestamp.format(to)), \(windows) windows\n"
        let share = belowTargetShare.map { String(format: "%.1f %%", $0 * 100) } ?? "-"
        out +=
            "below target: \(belowTarget.any) (\(share)): accuracy gap > \(targets.accuracyGapPP) pp "
            + "\(belowTarget.accuracyGap), psi > \(targets.psi) \(belowTarget.psi), "
            + "p99 > \(targets.latencyP99Ms) ms \(belowTarget.latencyP99); retraining triggers: \(triggers)\n"
        var table = metrics.table
        table.columns = ["metric", "previous period", "period", "change"]
        out += table.table()
        out += "alerts: \(alerts.count)\n"
        for alert in alerts {
            let end = alert.resolvedStart.map { "resolved \(Timestamp.format($0))" } ?? "still firing"
            out +=
                "  \(alert.alertID): fired \(Timestamp.format(alert.firedStart)), \(end), "
                + "\(DurationText.text(milliseconds: alert.duration))\n"
        }
        return out
    }
}
