import ArgumentParser
import DriftlineCore
import DriftlineStore
import Foundation

/// `driftline alerts`: where the alerts of a history store stand.
struct AlertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "Active alerts (firing, pending) and the latest alert transitions and retraining triggers.",
        discussion: """
            Active alerts come from the rules' kept state: firing (not yet resolved) or pending (beyond the \
            threshold for fewer windows than the rule's `for`). Examples:
              driftline alerts --store history.db
              driftline alerts --store history.db --model weld-defect-cls --recent 50 --format json
            """)

    /// How the overview is printed.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json
    }

    @Option(help: "The SQLite history store to read (opened read-only).")
    var store: String
    @Option(help: "Only this model.")
    var model: String?
    @Option(help: "How many of the latest transitions and triggers to show.")
    var recent = 20
    @Option(help: "table, or json: one record per line (alert_state records, then alerts, then triggers).")
    var format: Format = .table

    func run() throws {
        guard recent >= 0 else { throw ValidationError("--recent must be 0 or more") }
        let history = try HistoryStore.forCommand(store)
        let active = try history.activeAlerts().filter { model == nil || $0.model == model }
        let transitions = try history.recent(.alerts, model: model, limit: recent)
        let triggers = try history.recent(.triggers, model: model, limit: recent)
        var out = ""
        switch format {
        case .json:
            let encoder = ContractEncoder()
            for state in active { out += String(decoding: try encoder.encode(state), as: UTF8.self) + "\n" }
            for row in transitions.rows + triggers.rows { out += row.record + "\n" }
        case .table:
            out += "Active alerts: \(active.count)\n"
            if !active.isEmpty { out += Self.table(active).table() }
            out += "\nLatest alert transitions, newest first:\n" + transitions.timesAsRFC3339().table()
            out += "\nLatest retraining triggers, newest first:\n" + triggers.timesAsRFC3339().table()
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }

    /// The active alerts as rows, for the table.
    private static func table(_ states: [RuleState]) -> StoreRows {
        let rows = states.map { state in
            [
                state.status.rawValue, state.severity, state.alertID, String(state.streak), String(state.value),
                String(state.threshold), state.since.map(Timestamp.format), Timestamp.format(state.lastWindowEnd),
            ]
        }
        return StoreRows(
            columns: ["status", "severity", "alert_id", "streak", "value", "threshold", "since", "last_window_end"],
            values: rows)
    }
}
