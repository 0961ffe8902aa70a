import GRDB

/// A selection of stored window results, alerts or triggers.
///
/// Times are epoch milliseconds on the window start: `from` inclusive, `to` exclusive.
public struct StoreQuery: Sendable, Equatable {
    /// Which table a query reads.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// Window results: the latest revision of each window unless `allRevisions`.
        case windows
        /// Alert transitions.
        case alerts
        /// Retraining triggers.
        case triggers
        /// The baselines (model versions) in use, with when they were first and last seen.
        case models
    }

    /// Which windows a query reads: the engine's own, or their hourly or daily rollups.
    public enum Resolution: String, Sendable, Equatable, CaseIterable {
        case raw, hour, day
    }

    public var kind: Kind
    public var model: String?
    public var version: String?
    /// The canonical segment string (`line=L1,device=cam-07` sorted by name, `_all`); windows and alerts.
    public var segment: String?
    /// Alerts of this feature only; windows with a PSI entry for it, shown in a `psi` column.
    public var feature: String?
    public var from: Int64?
    public var to: Int64?
    /// Windows: every revision instead of the latest.
    public var allRevisions = false
    /// Windows: the engine's windows (`raw`), or their hourly or daily rollups (one per key and
    /// hour or day, merged from the latest revision of each window; revision 0).
    public var resolution = Resolution.raw

    /// Every row of `kind`.
    public init(_ kind: Kind) {
        self.kind = kind
    }

    /// The SQL, its arguments, and the names of the columns selected before the record.
    func statement() -> (sql: String, arguments: [(any DatabaseValueConvertible)?], columns: [String]) {
        var columns: [String]
        let table: String
        switch kind {
        case .windows:
            table = resolution == .raw ? "window_results" : "window_rollups"
            columns = [
                "model", "version", "segment", "window_start", "window_end", "revision", "count", "accuracy_online",
                "accuracy_offline", "accuracy_gap_pp", "labelled", "latency_p50", "latency_p95", "latency_p99",
                "latency_max", "throughput_per_s",
            ]
        case .alerts:
            table = "alerts"
            columns = [
                "alert_id", "state", "rule", "model", "version", "segment", "feature", "value", "threshold",
                "window_start", "window_end", "at",
            ]
        case .triggers:
            table = "retrain_triggers"
            columns = ["trigger_id", "model", "version", "window_start", "window_end", "at"]
        case .models:
            table = "baselines"
            columns = ["model", "version", "task", "offline_accuracy", "first_seen", "last_seen"]
        }
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        func add(_ condition: String, _ value: (any DatabaseValueConvertible)?) {
            conditions.append(condition)
            arguments.append(value)
        }
        let rollups = kind == .windows && resolution != .raw
        if rollups { add("t.resolution = ?", resolution.rawValue) }
        if let model { add("t.model = ?", model) }
        if let version { add("t.version = ?", version) }
        if let segment, kind == .windows || kind == .alerts { add("t.segment = ?", segment) }
        if let feature, kind == .alerts { add("t.feature = ?", feature) }
        var join = ""
        if let feature, kind == .windows {
            join =
                rollups
                ? """
                 JOIN rollup_psi p ON p.resolution = t.resolution AND p.model = t.model AND p.version = t.version \
                AND p.segment = t.segment AND p.window_start = t.window_start AND p.feature = ?
                """
                : """
                 JOIN window_psi p ON p.model = t.model AND p.version = t.version AND p.segment = t.segment \
                AND p.window_start = t.window_start AND p.revision = t.revision AND p.feature = ?
                """
            arguments.insert(feature, at: 0)
            columns.append("psi")
        }
        if let from, kind != .models { add("t.window_start >= ?", from) }
        if let to, kind != .models { add("t.window_start < ?", to) }
        if kind == .windows && !rollups && !allRevisions {
            conditions.append(
                """
                t.revision = (SELECT MAX(l.revision) FROM window_results l WHERE l.model = t.model \
                AND l.version = t.version AND l.segment = t.segment AND l.window_start = t.window_start)
                """)
        }
        let order: String
        switch kind {
        case .windows: order = "t.window_start, t.model, t.version, t.segment, t.revision"
        case .alerts: order = "t.window_start, t.model, t.version, t.segment, t.at, t.alert_id, t.state"
        case .triggers: order = "t.window_start, t.model, t.version, t.trigger_id"
        case .models: order = "t.model, t.version"
        }
        // Baselines have no contract record: their row as a JSON object, times in RFC 3339.
        let record =
            kind == .models
            ? """
            json_object('model', t.model, 'version', t.version, 'task', t.task, \
            'offline_accuracy', t.offline_accuracy, \
            'first_seen', strftime('%Y-%m-%dT%H:%M:%fZ', t.first_seen / 1000.0, 'unixepoch'), \
            'last_seen', strftime('%Y-%m-%dT%H:%M:%fZ', t.last_seen / 1000.0, 'unixepoch'))
            """ : "t.record"
        let selected = (columns.map { $0 == "psi" ? "p.psi" : "t.\($0)" } + [record]).joined(separator: ", ")
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return ("SELECT \(selected) FROM \(table) t\(join)\(filter) ORDER BY \(order)", arguments, columns)
    }
}
