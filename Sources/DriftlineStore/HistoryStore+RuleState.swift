public import DriftlineCore
import Foundation
import GRDB

/// The rules' own state: what a restarted engine carries on from, and what `driftline alerts`
/// shows as active.
extension HistoryStore {
    /// The names under which `engine_state` keeps how far rules have judged.
    private enum EngineStateName {
        static let closed = "rules.judged_closed"
        static let labelled = "rules.judged_labelled"
    }

    /// Saves the rule states of `batch` (a state not worth keeping removes its row; an older state
    /// never overwrites a newer one) and how far its rules judged.
    static func insertRuleStates(_ batch: StoreBatch, into db: Database) throws {
        if !batch.ruleStates.isEmpty {
            let upsert = try db.cachedStatement(
                sql: """
                    INSERT INTO rule_state (alert_id, rule, model, version, segment, feature, severity, status, streak,
                        value, threshold, since, last_window_end, notified, trailing, evidence)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (alert_id) DO UPDATE SET
                        severity = excluded.severity, status = excluded.status, streak = excluded.streak,
                        value = excluded.value, threshold = excluded.threshold, since = excluded.since,
                        last_window_end = excluded.last_window_end, notified = excluded.notified,
                        trailing = excluded.trailing, evidence = excluded.evidence
                        WHERE excluded.last_window_end >= rule_state.last_window_end
                    """)
            let delete = try db.cachedStatement(
                sql: "DELETE FROM rule_state WHERE alert_id = ? AND last_window_end <= ?")
            let encoder = JSONEncoder()
            for state in batch.ruleStates {
                guard state.isWorthKeeping else {
                    try delete.execute(arguments: [state.alertID, state.lastWindowEnd])
                    continue
                }
                try upsert.execute(arguments: [
                    state.alertID, state.rule, state.model, state.version, state.segment, state.feature,
                    state.severity, state.status.rawValue, state.streak, state.value, state.threshold, state.since,
                    state.lastWindowEnd, state.notified,
                    String(decoding: try encoder.encode(state.trailing), as: UTF8.self),
                    String(decoding: try encoder.encode(state.evidence), as: UTF8.self),
                ])
            }
        }
        if let through = batch.judgedThrough {
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO engine_state (name, value) VALUES (?, ?)
                    ON CONFLICT (name) DO UPDATE SET value = MAX(value, excluded.value)
                    """)
            try statement.execute(arguments: [EngineStateName.closed, through.closed])
            try statement.execute(arguments: [EngineStateName.labelled, through.labelled])
        }
    }

    /// What a restarted engine's rules start from: every kept rule state, how far rules judged,
    /// and the latest retraining trigger of each model version.
    public func ruleSnapshot() throws -> RuleSnapshot {
        try read { db in
            let states = try Self.ruleStates(in: db, where: nil)
            var through = JudgedThrough()
            for row in try Row.fetchAll(db, sql: "SELECT name, value FROM engine_state") {
                let name: String = row["name"]
                let value: Int64 = row["value"]
                if name == EngineStateName.closed { through.closed = value }
                if name == EngineStateName.labelled { through.labelled = value }
            }
            var lastTriggers: [String: Int64] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT model, version, MAX(window_end) AS end FROM retrain_triggers GROUP BY model, version")
            {
                let model: String = row["model"]
                let version: String = row["version"]
                lastTriggers["\(model)/\(version)"] = row["end"]
            }
            return RuleSnapshot(states: states, judgedThrough: through, lastTriggers: lastTriggers)
        }
    }

    /// The alerts pending or firing, firing first, then by rule and alert id.
    public func activeAlerts() throws -> [RuleState] {
        try read { db in
            try Self.ruleStates(
                in: db,
                where: "status IN ('pending', 'firing') ORDER BY status = 'pending', rule, alert_id")
        }
    }

    /// The `limit` latest alert transitions (`.alerts`) or retraining triggers (`.triggers`), newest
    /// window first, of `model` when given: what `driftline alerts` shows as recent.
    public func recent(_ kind: StoreQuery.Kind, model: String?, limit: Int) throws -> StoreRows {
        let columns =
            kind == .alerts
            ? ["window_start", "window_end", "state", "alert_id", "value", "threshold", "at"]
            : ["window_start", "window_end", "trigger_id", "at"]
        let table = kind == .alerts ? "alerts" : "retrain_triggers"
        let sql = """
            SELECT \(columns.joined(separator: ", ")), record FROM \(table)
            WHERE ?1 IS NULL OR model = ?1 ORDER BY window_start DESC, at DESC LIMIT ?2
            """
        return try read { db in
            let rows = try Row.fetchAll(db, sql: sql, arguments: [model, limit]).map { row in
                StoreRows.Row(
                    cells: columns.indices.map { StoreRows.Cell(row[$0] as DatabaseValue) }, record: row["record"])
            }
            return StoreRows(columns: columns, rows: rows)
        }
    }

    private static func ruleStates(in db: Database, where condition: String?) throws -> [RuleState] {
        let decoder = JSONDecoder()
        let sql = "SELECT * FROM rule_state" + (condition.map { " WHERE \($0)" } ?? "")
        return try Row.fetchAll(db, sql: sql).map { row in
            let status: String = row["status"]
            let trailing: String = row["trailing"]
            let evidence: String = row["evidence"]
            return RuleState(
                alertID: row["alert_id"], rule: row["rule"], model: row["model"], version: row["version"],
                segment: row["segment"], feature: row["feature"], severity: row["severity"],
                status: RuleState.Status(rawValue: status) ?? .inactive, streak: row["streak"], value: row["value"],
                threshold: row["threshold"], since: row["since"], lastWindowEnd: row["last_window_end"],
                notified: row["notified"], trailing: try decoder.decode([Double].self, from: Data(trailing.utf8)),
                evidence: try decoder.decode([RuleState.Window].self, from: Data(evidence.utf8)))
        }
    }
}
