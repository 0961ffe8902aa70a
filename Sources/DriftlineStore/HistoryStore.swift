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
    let database: any DatabaseWriter
    /// The file's path, as given.
    public let path: String
    /// How long writes keep windows.
    public let retention: Retention
    /// The delivery targets (outbox queues) each alert and trigger written is queued for.
    public let outbox: OutboxRoutes

    /// Opens (creating and migrating when needed) the store at `path`; `readOnly` opens an existing
    /// store for queries only. A write waits up to `busyTimeout` seconds for another process
    /// writing the file (an analyst's `sqlite3` shell) before it fails, and then removes what
    /// `retention` no longer keeps. Alerts and triggers written are queued in `alert_outbox` for
    /// the targets `outbox` names, in the same transaction.
    public init(
        path: String, readOnly: Bool = false, busyTimeout: Double = 10, retention: Retention = Retention(),
        outbox: OutboxRoutes = OutboxRoutes()
    )
        throws
    {
        self.path = path
        self.retention = retention
        self.outbox = outbox
        var configuration = Configuration()
        configuration.label = "driftline-store"
        configuration.busyMode = .timeout(busyTimeout)
        // Pages kept per connection: 256 MB when opened for queries only (`query`, `serve`), where
        // one key's month (~90 MB) then stays in memory between queries; 64 MB for the engine's
        // connections, enough for a write transaction's dirty pages, on edge boxes' memory.
        let cacheKiB = readOnly ? 262_144 : 65_536
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA cache_size = -\(cacheKiB)")
        }
        do {
            if readOnly {
                guard FileManager.default.fileExists(atPath: path) else {
                    throw StoreError(.missing, "no history store at '\(path)'")
                }
                configuration.readonly = true
                database = try DatabaseQueue(path: path, configuration: configuration)
            } else {
                configuration.prepareDatabase { db in
                    // 16 KB pages (new files only): a window row with its record fits in a page.
                    try db.execute(sql: "PRAGMA page_size = 16384")
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
    /// their first and latest sighting. The hourly and daily rollups of the windows written are
    /// recomputed in the same transaction, and what `retention` no longer keeps is removed. Each
    /// alert and trigger is queued once for each delivery target of `outbox` (again: not twice).
    public func write(_ batch: StoreBatch) throws {
        guard !batch.isEmpty else { return }
        let retention = retention
        let outbox = outbox
        do {
            try database.write { db in
                try Self.insert(batch, into: db)
                try Self.enqueue(batch, for: outbox, into: db)
                var rollups = Rollups()
                for entry in batch.results where entry.counts != nil { rollups.mark(entry.value) }
                let oldest = try Self.oldestKept(retention.raw, table: "windows", in: db)
                try rollups.write(into: db, oldest: oldest ?? .min, encoder: ContractEncoder())
                if let oldest {
                    for table in ["windows", "window_counts"] {
                        try db.execute(sql: "DELETE FROM \(table) WHERE window_start < ?", arguments: [oldest])
                    }
                }
                for resolution in [StoreQuery.Resolution.hour, .day] {
                    let keep = resolution == .hour ? retention.hour : retention.day
                    guard let oldest = try Self.oldestKept(keep, table: "window_rollups", resolution, in: db)
                    else { continue }
                    for table in ["window_rollups", "rollup_psi"] {
                        try db.execute(
                            sql: "DELETE FROM \(table) WHERE resolution = ? AND window_start < ?",
                            arguments: [resolution.rawValue, oldest])
                    }
                }
            }
        } catch let error as DatabaseError where Self.isTransient(error.resultCode) {
            throw StoreError(.unavailable, "cannot write to the history store '\(path)' for now: \(error)")
        } catch {
            throw StoreError(.database, "cannot write to the history store '\(path)': \(error)")
        }
    }

    /// Whether a write that failed with `code` may succeed later unchanged: the disk is full (or
    /// the process's file size limit reached), read-only or failing, or another process holds
    /// the file.
    private static func isTransient(_ code: ResultCode) -> Bool {
        [.SQLITE_FULL, .SQLITE_IOERR, .SQLITE_READONLY, .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_CANTOPEN].contains(code)
    }

    /// The earliest window start `table` keeps under a retention of `keep` milliseconds, measured
    /// back from its newest window; `nil` when it keeps everything.
    private static func oldestKept(
        _ keep: Int64?, table: String, _ resolution: StoreQuery.Resolution? = nil, in db: Database
    ) throws -> Int64? {
        guard let keep else { return nil }
        let newest =
            try resolution.map {
                try Int64.fetchOne(
                    db, sql: "SELECT MAX(window_start) FROM \(table) WHERE resolution = ?", arguments: [$0.rawValue])
            } ?? Int64.fetchOne(db, sql: "SELECT MAX(window_start) FROM \(table)")
        return newest.map { $0 - keep }
    }

    static func insert(_ batch: StoreBatch, into db: Database) throws {
        if !batch.results.isEmpty {
            let window = try db.cachedStatement(
                sql: """
                    INSERT INTO windows (series, window_start, revision, latest, window_end, count,
                        accuracy_online, accuracy_offline, accuracy_gap_pp, labelled,
                        latency_p50, latency_p95, latency_p99, latency_max, throughput_per_s, psi, record)
                    VALUES (?1, ?2, ?3,
                        NOT EXISTS (SELECT 1 FROM windows WHERE series = ?1 AND window_start = ?2 AND revision > ?3),
                        ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (series, window_start, revision) DO UPDATE SET
                        window_end = excluded.window_end, count = excluded.count,
                        accuracy_online = excluded.accuracy_online, accuracy_offline = excluded.accuracy_offline,
                        accuracy_gap_pp = excluded.accuracy_gap_pp, labelled = excluded.labelled,
                        latency_p50 = excluded.latency_p50, latency_p95 = excluded.latency_p95,
                        latency_p99 = excluded.latency_p99, latency_max = excluded.latency_max,
                        throughput_per_s = excluded.throughput_per_s, psi = excluded.psi, record = excluded.record
                    """)
            // A later revision takes the latest flag from the earlier ones.
            let superseded = try db.cachedStatement(
                sql: """
                    UPDATE windows SET latest = 0
                    WHERE series = ? AND window_start = ? AND revision < ? AND latest = 1
                    """)
            let counts = try db.cachedStatement(
                sql: """
                    INSERT INTO window_counts (model, version, segment, window_start, window_end, revision, counts)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (model, version, segment, window_start) DO UPDATE SET
                        window_end = excluded.window_end, revision = excluded.revision, counts = excluded.counts
                        WHERE excluded.revision >= window_counts.revision
                    """)
            let encoder = ContractEncoder()
            var series = SeriesIDs()
            for entry in batch.results {
                let result = entry.value
                let segment = result.segmentID
                if let windowCounts = entry.counts {
                    try counts.execute(arguments: [
                        result.model, result.version, segment, result.start, result.end, result.revision,
                        String(decoding: try encoder.encode(windowCounts), as: UTF8.self),
                    ])
                }
                let id = try series.id(model: result.model, version: result.version, segment: segment, in: db)
                try window.execute(arguments: [
                    id, result.start, result.revision, result.end, result.count,
                    result.accuracy.online, result.accuracy.offline, result.accuracy.gapPP, result.accuracy.labelled,
                    result.latency?.p50, result.latency?.p95, result.latency?.p99, result.latency?.max,
                    result.throughputPerSecond, result.psi.map(Self.psiObject),
                    String(decoding: entry.record, as: UTF8.self),
                ])
                if result.revision > 0 {
                    try superseded.execute(arguments: [id, result.start, result.revision])
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
        try insertRuleStates(batch, into: db)
        try insertCheckpoint(batch, into: db)
        if !batch.baselines.isEmpty {
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO baselines (model, version, task, offline_accuracy, first_seen, last_seen, profile)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (model, version) DO UPDATE SET
                        task = excluded.task, offline_accuracy = excluded.offline_accuracy, profile = excluded.profile,
                        first_seen = MIN(first_seen, excluded.first_seen),
                        last_seen = MAX(last_seen, excluded.last_seen)
                    """)
            let encoder = ContractEncoder()
            for use in batch.baselines {
                try statement.execute(arguments: [
                    use.model, use.version, use.task, use.offlineAccuracy, use.seenAt, use.seenAt,
                    String(decoding: try encoder.encode(use.baseline), as: UTF8.self),
                ])
            }
        }
    }

    /// PSI per feature as the JSON object the `psi` column holds (`{"temp_c":0.0123,...}`, in the
    /// result's feature order; `null` where it could not be computed).
    static func psiObject(_ metrics: [FeatureMetric]) -> String {
        // Built as bytes: a `String` appended to scalar by scalar took a fifth of the writer's time.
        var json: [UInt8] = [UInt8(ascii: "{")]
        json.reserveCapacity(32 * metrics.count + 2)
        for (index, metric) in metrics.enumerated() {
            if index > 0 { json.append(UInt8(ascii: ",")) }
            json.append(UInt8(ascii: "\""))
            for byte in metric.feature.utf8 {
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): json += [UInt8(ascii: "\\"), byte]
                case ..<0x20: json += Array(String(format: "\\u%04x", byte).utf8)
                default: json.append(byte)
                }
            }
            json += [UInt8(ascii: "\""), UInt8(ascii: ":")]
            if let value = metric.value, value.isFinite {
                json += String(value).utf8
            } else {
                json += "null".utf8
            }
        }
        json.append(UInt8(ascii: "}"))
        return String(decoding: json, as: UTF8.self)
    }

    // MARK: - Reading

    /// Runs `body` in a read transaction; SQLite's errors become `StoreError`s naming the file.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try database.read(body)
        } catch {
            throw storeError(error)
        }
    }

    /// `read(_:)`, awaited: `body` runs on the store's own queue, off the cooperative pool.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await database.read(body)
        } catch {
            throw storeError(error)
        }
    }

    func storeError(_ error: any Error) -> any Error {
        error is StoreError ? error : StoreError(.database, "cannot read the history store '\(path)': \(error)")
    }

    /// The rows `query` selects, ordered by window start, then model, version and segment; with a
    /// `limit`, at most that many, and `next` says where the following page starts.
    public func rows(_ query: StoreQuery) throws -> StoreRows {
        try read { db in try Self.fetch(query, from: db) }
    }

    /// `rows(_:)`, awaited: SQLite runs on the store's own dispatch queue, off the cooperative pool
    /// (for the HTTP API).
    public func rows(_ query: StoreQuery) async throws -> StoreRows {
        try await read { db in try Self.fetch(query, from: db) }
    }

    private static func fetch(_ query: StoreQuery, from db: Database) throws -> StoreRows {
        let (sql, arguments, columns) = query.statement()
        let key = query.kind.orderKey
        var rows = StoreRows(columns: columns)
        let statement = try db.makeStatement(sql: sql)
        let cursor = try Row.fetchCursor(statement, arguments: StatementArguments(arguments))
        // Values are read straight from the statement: a month of one key's windows is ~43,000
        // rows, and a GRDB `DatabaseValue` per column doubles the time of the query.
        let handle = statement.sqliteStatement
        var last: StoreQuery.Position?
        while let row = try cursor.next() {
            if let limit = query.limit, rows.rows.count == limit {
                // A row past the page: another page follows, starting after the page's last row.
                rows.next = last
                break
            }
            var cells: [StoreRows.Cell] = []
            cells.reserveCapacity(columns.count)
            for index in columns.indices { cells.append(Self.cell(handle, Int32(index))) }
            rows.rows.append(StoreRows.Row(cells: cells, record: Self.text(handle, Int32(columns.count))))
            if rows.rows.count == query.limit {
                last = position(of: row, key: key, kind: query.kind, at: columns.count + 1)
            }
        }
        return rows
    }

    private static func position(
        of row: Row, key: [StoreQuery.Kind.KeyColumn], kind: StoreQuery.Kind, at first: Int
    )
        -> StoreQuery.Position
    {
        let values = key.indices.map { index -> StoreQuery.Position.Value in
            key[index].isInteger ? .integer(row[first + index]) : .text(row[first + index])
        }
        return StoreQuery.Position(kind: kind, values: values)
    }

    /// How many rows each table holds.
    public func rowCounts() throws -> [String: Int] {
        try read { db in
            var counts: [String: Int] = [:]
            for table in [
                "window_results", "window_psi", "series", "window_counts", "window_rollups", "rollup_psi", "alerts",
                "retrain_triggers", "baselines", "rule_state", "alert_outbox",
            ] {
                counts[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0
            }
            return counts
        }
    }

    /// Column `index` of the row `handle` stands on.
    private static func cell(_ handle: OpaquePointer, _ index: Int32) -> StoreRows.Cell {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_NULL: .null
        case SQLITE_INTEGER: .integer(sqlite3_column_int64(handle, index))
        case SQLITE_FLOAT: .real(sqlite3_column_double(handle, index))
        default: .text(text(handle, index))
        }
    }

    /// Column `index` of the row `handle` stands on, as text (UTF-8, its length from SQLite).
    private static func text(_ handle: OpaquePointer, _ index: Int32) -> String {
        guard let bytes = sqlite3_column_text(handle, index) else { return "" }
        return String(
            decoding: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, index))),
            as: UTF8.self)
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
