internal import CSQLite
public import DriftlineCore
import Foundation
import GRDB

/// The SQLite history of window results, alerts, retraining triggers and baselines in use.
///
/// Opened for writing, the file is created when missing, put in WAL mode with
/// `synchronous=NORMAL`, and migrated to the current schema (`docs/store.md`). Opened read-only,
/// the file must exist and is never changed. Every statement is parameterised.
public final class HistoryStore: Sendable {
    private let database: any DatabaseWriter
    /// The file's path, as given.
    public let path: String

    /// Opens (creating and migrating when needed) the store at `path`; `readOnly` opens an existing
    /// store for queries only. A write waits up to `busyTimeout` seconds for another process
    /// writing the file (an analyst's `sqlite3` shell) before it fails.
    public init(path: String, readOnly: Bool = false, busyTimeout: Double = 10) throws {
        self.path = path
        var configuration = Configuration()
        configuration.label = "driftline-store"
        configuration.busyMode = .timeout(busyTimeout)
        do {
            if readOnly {
                guard FileManager.default.fileExists(atPath: path) else {
                    throw StoreError(.missing, "no history store at '\(path)'")
                }
                configuration.readonly = true
                database = try DatabaseQueue(path: path, configuration: configuration)
            } else {
                configuration.prepareDatabase { db in
                    try db.execute(sql: "PRAGMA synchronous = NORMAL")
                    // A connection closing last checkpoints the WAL under an exclusive lock, and a
                    // reader (`sqlite3 -readonly`) opening the file meanwhile fails with "database
                    // is locked". The engine checkpoints passively instead (SQLite's automatic
                    // checkpoints, and once more when the store is released), never blocking readers.
                    driftline_sqlite3_no_checkpoint_on_close(db.sqliteConnection)
                }
                let pool = try DatabasePool(path: path, configuration: configuration)
                try Schema.migrator.migrate(pool)
                database = pool
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.database, "cannot open the history store '\(path)': \(error)")
        }
    }

    deinit {
        // What the WAL still holds goes into the database file, without blocking readers; the WAL
        // file itself stays (closing does not checkpoint, see `init`).
        if let pool = database as? DatabasePool {
            _ = try? pool.writeWithoutTransaction { try $0.checkpoint(.passive) }
        }
    }

    // MARK: - Writing

    /// Writes `batch` in one transaction. Writing a record again changes nothing: window results
    /// are upserted by (model, version, segment, window start, revision), alerts and triggers are
    /// kept as first written (by (alert id, state, window start) and trigger id), baselines keep
    /// their first and latest sighting.
    public func write(_ batch: StoreBatch) throws {
        guard !batch.isEmpty else { return }
        do {
            try database.write { db in
                try Self.insert(batch, into: db)
            }
        } catch {
            throw StoreError(.database, "cannot write to the history store '\(path)': \(error)")
        }
    }

    private static func insert(_ batch: StoreBatch, into db: Database) throws {
        if !batch.results.isEmpty {
            let window = try db.cachedStatement(
                sql: """
                    INSERT INTO window_results (model, version, segment, window_start, window_end, revision, count,
                        accuracy_online, accuracy_offline, accuracy_gap_pp, labelled,
                        latency_p50, latency_p95, latency_p99, latency_max, throughput_per_s, record)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (model, version, segment, window_start, revision) DO UPDATE SET
                        window_end = excluded.window_end, count = excluded.count,
                        accuracy_online = excluded.accuracy_online, accuracy_offline = excluded.accuracy_offline,
                        accuracy_gap_pp = excluded.accuracy_gap_pp, labelled = excluded.labelled,
                        latency_p50 = excluded.latency_p50, latency_p95 = excluded.latency_p95,
                        latency_p99 = excluded.latency_p99, latency_max = excluded.latency_max,
                        throughput_per_s = excluded.throughput_per_s, record = excluded.record
                    """)
            let psi = try db.cachedStatement(
                sql: """
                    INSERT INTO window_psi (model, version, segment, window_start, revision, feature, psi)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (model, version, segment, window_start, revision, feature) DO UPDATE SET
                        psi = excluded.psi
                    """)
            for entry in batch.results {
                let result = entry.value
                let segment = result.segmentID
                try window.execute(arguments: [
                    result.model, result.version, segment, result.start, result.end, result.revision, result.count,
                    result.accuracy.online, result.accuracy.offline, result.accuracy.gapPP, result.accuracy.labelled,
                    result.latency?.p50, result.latency?.p95, result.latency?.p99, result.latency?.max,
                    result.throughputPerSecond, String(decoding: entry.record, as: UTF8.self),
                ])
                for metric in result.psi ?? [] {
                    try psi.execute(arguments: [
                        result.model, result.version, segment, result.start, result.revision, metric.feature,
                        metric.value,
                    ])
                }
            }
        }
        if !batch.alerts.isEmpty {
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO alerts (alert_id, state, window_start, window_end, rule, model, version, segment,
                        feature, value, threshold, at, record)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (alert_id, state, window_start) DO NOTHING
                    """)
            for entry in batch.alerts {
                let alert = entry.value
                let segment = WindowResult.canonicalSegment(alert.segment)
                try statement.execute(arguments: [
                    alert.alertID, alert.state.rawValue, alert.windowStart, alert.windowEnd, alert.rule, alert.model,
                    alert.version, segment, alert.feature, alert.value, alert.threshold, alert.at,
                    String(decoding: entry.record, as: UTF8.self),
                ])
            }
        }
        if !batch.triggers.isEmpty {
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO retrain_triggers (trigger_id, model, version, window_start, window_end, at, record)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (trigger_id) DO NOTHING
                    """)
            for entry in batch.triggers {
                let trigger = entry.value
                try statement.execute(arguments: [
                    trigger.triggerID, trigger.model, trigger.version, trigger.windowStart, trigger.windowEnd,
                    trigger.at, String(decoding: entry.record, as: UTF8.self),
                ])
            }
        }
        if !batch.baselines.isEmpty {
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO baselines (model, version, task, offline_accuracy, first_seen, last_seen)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (model, version) DO UPDATE SET
                        task = excluded.task, offline_accuracy = excluded.offline_accuracy,
                        first_seen = MIN(first_seen, excluded.first_seen),
                        last_seen = MAX(last_seen, excluded.last_seen)
                    """)
            for use in batch.baselines {
                try statement.execute(arguments: [
                    use.model, use.version, use.task, use.offlineAccuracy, use.seenAt, use.seenAt,
                ])
            }
        }
    }

    // MARK: - Reading

    /// The rows `query` selects, ordered by window start, then model, version and segment.
    public func rows(_ query: StoreQuery) throws -> StoreRows {
        let (sql, arguments, columns) = query.statement()
        do {
            return try database.read { db in
                var rows = StoreRows(columns: columns)
                let cursor = try Row.fetchCursor(db, sql: sql, arguments: StatementArguments(arguments))
                while let row = try cursor.next() {
                    var values: [String?] = []
                    values.reserveCapacity(columns.count)
                    for index in columns.indices {
                        values.append(Self.text(row[index] as DatabaseValue))
                    }
                    rows.rows.append(StoreRows.Row(values: values, record: row[columns.count]))
                }
                return rows
            }
        } catch {
            throw StoreError(.database, "cannot read the history store '\(path)': \(error)")
        }
    }

    /// How many rows each table holds.
    public func rowCounts() throws -> [String: Int] {
        do {
            return try database.read { db in
                var counts: [String: Int] = [:]
                for table in ["window_results", "window_psi", "alerts", "retrain_triggers", "baselines"] {
                    counts[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0
                }
                return counts
            }
        } catch {
            throw StoreError(.database, "cannot read the history store '\(path)': \(error)")
        }
    }

    private static func text(_ value: DatabaseValue) -> String? {
        switch value.storage {
        case .null: return nil
        case .int64(let number): return String(number)
        case .double(let number): return String(number)
        case .string(let string): return string
        case .blob(let data): return String(decoding: data, as: UTF8.self)
        }
    }
}

extension WindowResult {
    /// The contract's segment string of `segment`: `name=value` pairs sorted by name joined by `,`,
    /// `_all` for none.
    public static func canonicalSegment(_ segment: [SegmentValue]) -> String {
        segment.isEmpty
            ? "_all"
            : segment.sorted { $0.name < $1.name }.map { "\($0.name)=\($0.value)" }.joined(separator: ",")
    }
}
