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
    /// At most this many rows (a page); `nil`: every row.
    public var limit: Int?
    /// Only the rows after this one in the query's order (the next page), by keyset, not offset.
    public var after: Position?

    /// Where a page ended: the values of the query's order key in its last row.
    public struct Position: Sendable, Equatable {
        /// One value of the order key.
        public enum Value: Sendable, Equatable {
            case integer(Int64)
            case text(String)
        }

        /// The kind of query the position belongs to.
        public var kind: Kind
        /// The values of `kind.orderKey`, in its order.
        public var values: [Value]

        /// The position `values` in a query of `kind`.
        public init(kind: Kind, values: [Value]) {
            self.kind = kind
            self.values = values
        }
    }

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
            // Raw windows name their key through `series` (integer ids keep the rows small).
            table = resolution == .raw ? "windows t JOIN series s ON s.id = t.series" : "window_rollups t"
            columns = [
                "model", "version", "segment", "window_start", "window_end", "revision", "count", "accuracy_online",
                "accuracy_offline", "accuracy_gap_pp", "labelled", "latency_p50", "latency_p95", "latency_p99",
                "latency_max", "throughput_per_s",
            ]
        case .alerts:
            table = "alerts t"
            columns = [
                "alert_id", "state", "rule", "model", "version", "segment", "feature", "value", "threshold",
                "window_start", "window_end", "at",
            ]
        case .triggers:
            table = "retrain_triggers t"
            columns = ["trigger_id", "model", "version", "window_start", "window_end", "at"]
        case .models:
            table = "baselines t"
            columns = ["model", "version", "task", "offline_accuracy", "first_seen", "last_seen"]
        }
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        func add(_ condition: String, _ value: (any DatabaseValueConvertible)?) {
            conditions.append(condition)
            arguments.append(value)
        }
        let rollups = kind == .windows && resolution != .raw
        let raw = kind == .windows && !rollups
        /// `column` with its table's alias: a raw window's key columns are in `series`.
        func qualified(_ column: String) -> String {
            raw && ["model", "version", "segment"].contains(column) ? "s.\(column)" : "t.\(column)"
        }
        if rollups { add("t.resolution = ?", resolution.rawValue) }
        if let model { add("\(qualified("model")) = ?", model) }
        if let version { add("\(qualified("version")) = ?", version) }
        if let segment, kind == .windows || kind == .alerts { add("\(qualified("segment")) = ?", segment) }
        if let feature, kind == .alerts { add("t.feature = ?", feature) }
        var join = ""
        if let feature, kind == .windows {
            join =
                rollups
                ? """
                 JOIN rollup_psi p ON p.resolution = t.resolution AND p.model = t.model AND p.version = t.version \
                AND p.segment = t.segment AND p.window_start = t.window_start AND p.feature = ?
                """
                : " JOIN json_each(t.psi) p ON p.key = ?"
            arguments.insert(feature, at: 0)
            columns.append("psi")
        }
        if let from, kind != .models { add("t.window_start >= ?", from) }
        if let to, kind != .models { add("t.window_start < ?", to) }
        if raw && !allRevisions { conditions.append("t.latest = 1") }
        let key = kind.orderKey.map { qualified($0.column) }
        if let after {
            // A row value comparison: the rows after `after` in the (unique) order.
            let marks = Array(repeating: "?", count: after.values.count).joined(separator: ", ")
            conditions.append("(\(key.joined(separator: ", "))) > (\(marks))")
            arguments += after.values.map { value -> (any DatabaseValueConvertible)? in
                switch value {
                case .integer(let number): number
                case .text(let text): text
                }
            }
        }
        let order = key.joined(separator: ", ")
        // Baselines have no contract record: their row as a JSON object, times in RFC 3339.
        let record =
            kind == .models
            ? """
            json_object('model', t.model, 'version', t.version, 'task', t.task, \
            'offline_accuracy', t.offline_accuracy, \
            'first_seen', strftime('%Y-%m-%dT%H:%M:%fZ', t.first_seen / 1000.0, 'unixepoch'), \
            'last_seen', strftime('%Y-%m-%dT%H:%M:%fZ', t.last_seen / 1000.0, 'unixepoch'))
            """ : "t.record"
        // The order key follows the record, so a page can say where the next one starts.
        let psi = rollups ? "p.psi" : "p.value"
        let selected = (columns.map { $0 == "psi" ? psi : qualified($0) } + [record] + key).joined(separator: ", ")
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        var limitClause = ""
        if let limit {
            // One row more than the page, to know whether another page follows.
            limitClause = " LIMIT ?"
            arguments.append(limit + 1)
        }
        return (
            "SELECT \(selected) FROM \(table)\(join)\(filter) ORDER BY \(order)\(limitClause)", arguments, columns
        )
    }
}

extension StoreQuery.Kind {
    /// One column of a query's order.
    public struct KeyColumn: Sendable, Equatable {
        /// The column's name.
        public var column: String
        /// Whether it holds integers (otherwise text).
        public var isInteger: Bool
    }

    /// The columns rows are ordered by; together they are unique per row, so a page can resume
    /// after any row.
    public var orderKey: [KeyColumn] {
        let names: [String]
        switch self {
        case .windows: names = ["window_start", "model", "version", "segment", "revision"]
        case .alerts: names = ["window_start", "model", "version", "segment", "at", "alert_id", "state"]
        case .triggers: names = ["window_start", "model", "version", "trigger_id"]
        case .models: names = ["model", "version"]
        }
        return names.map { KeyColumn(column: $0, isInteger: ["window_start", "revision", "at"].contains($0)) }
    }
}
