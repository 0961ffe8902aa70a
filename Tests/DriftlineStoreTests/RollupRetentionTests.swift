import DriftlineCore
import DriftlineStore
import Foundation
import GRDB
import Testing

@Suite struct RollupRetentionTests {
    static let day: Int64 = 86_400_000
    static let hour: Int64 = 3_600_000
    /// 2026-01-01T00:00:00Z.
    static let origin: Int64 = 1_767_225_600_000

    /// A one-hour window of model m starting at `start` with `count` inferences, and its counts.
    static func hourWindow(start: Int64, count: Int) -> StoreBatch.Entry<WindowResult> {
        let counts = WindowCounts(
            count: count, bins: [], features: [], present: [], classes: [], classification: .init(),
            regression: .init(), latency: [], latencyMax: nil, resources: [], final: true)
        let result = counts.result(
            model: "m", version: "1", segment: [], revision: 0, start: start, end: start + hour, baseline: nil)
        return StoreBatch.Entry(result, record: Array("{\"start\":\(start)}".utf8), counts: counts)
    }

    /// Inferences in the hour starting `hours` hours after `origin`.
    static func inferences(_ hours: Int64) -> Int { Int(hours % 7) + 1 }

    static func column(_ path: String, _ sql: String) throws -> [Int64] {
        try DatabaseQueue(path: path).read { db in try Int64.fetchAll(db, sql: sql) }
    }

    @Test func eachResolutionKeepsItsRetentionBackFromItsNewestWindow() throws {
        let path = try HistoryStoreTests.temporaryPath()
        let store = try HistoryStore(path: path, retention: Retention(raw: 30 * Self.day, hour: 10 * Self.day))
        // 40 days of one-hour windows, a day per write.
        for day: Int64 in 0..<40 {
            var batch = StoreBatch()
            batch.results = (0..<24).map { hour in
                Self.hourWindow(
                    start: Self.origin + (day * 24 + hour) * Self.hour, count: Self.inferences(day * 24 + hour))
            }
            try store.write(batch)
        }
        let newest = Self.origin + (40 * 24 - 1) * Self.hour
        let raw = try Self.column(path, "SELECT window_start FROM window_results ORDER BY window_start")
        #expect(raw.first == newest - 30 * Self.day && raw.count == 30 * 24 + 1)
        #expect(try Self.column(path, "SELECT COUNT(*) FROM window_counts") == [Int64(raw.count)])
        let hours = try Self.column(
            path, "SELECT window_start FROM window_rollups WHERE resolution = 'hour' ORDER BY window_start")
        #expect(hours.first == newest - 10 * Self.day && hours.count == 10 * 24 + 1)
        // Every day stays, each the sum of its 24 hours, also the days whose windows are gone.
        let days = try Self.column(
            path, "SELECT count FROM window_rollups WHERE resolution = 'day' ORDER BY window_start")
        let expected = (0..<Int64(40)).map { day in
            Int64((0..<Int64(24)).reduce(0) { $0 + Self.inferences(day * 24 + $1) })
        }
        #expect(days == expected)
        // An hour rollup of one-hour windows is the window itself.
        var query = StoreQuery(.windows)
        query.resolution = .hour
        query.from = newest
        let last = try store.rows(query)
        #expect(last.rows.count == 1)
        #expect(last.rows[0].values[last.columns.firstIndex(of: "count")!] == String(Self.inferences(40 * 24 - 1)))
    }

    @Test func hoppingWindowsAndWindowsWithoutCountsAreNotRolledUp() throws {
        let path = try HistoryStoreTests.temporaryPath()
        let store = try HistoryStore(path: path)
        var batch = StoreBatch()
        batch.results = [HistoryStoreTests.window(start: Self.origin)]
        try store.write(batch)
        #expect(try store.rowCounts()["window_rollups"] == 0)
        // A window of 7 minutes divides neither an hour nor a day.
        var odd = Self.hourWindow(start: Self.origin, count: 3)
        odd.value.end = Self.origin + 7 * 60_000
        batch.results = [odd]
        try store.write(batch)
        #expect(try store.rowCounts()["window_rollups"] == 0)
        #expect(try store.rowCounts()["window_counts"] == 1)
    }

    /// A file the first release wrote (schema v1, no rollups): opening it migrates it in place,
    /// keeps every row, and rolls up the windows written after.
    @Test func aStoreOfTheFirstSchemaIsMigratedInPlace() throws {
        let path = try HistoryStoreTests.temporaryPath()
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: Self.firstSchema)
            try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v1')")
            try db.execute(
                sql: """
                    INSERT INTO window_results VALUES ('m', '1', '_all', 1767222000000, 1767225600000, 0, 5,
                        NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0.001, '{"old":true}');
                    INSERT INTO window_results VALUES ('m', '1', '_all', 1767222000000, 1767225600000, 1, 5,
                        NULL, NULL, NULL, 2, NULL, NULL, NULL, NULL, 0.001, '{"old":"revised"}');
                    INSERT INTO window_psi VALUES ('m', '1', '_all', 1767222000000, 1, 'temp_c', 0.125);
                    INSERT INTO window_psi VALUES ('m', '1', '_all', 1767222000000, 1, 'current_a', NULL);
                    INSERT INTO baselines VALUES ('m', '1', 'classification', 0.9, 10, 20);
                    """)
        }
        let store = try HistoryStore(path: path)
        let migrations = try DatabaseQueue(path: path).read { db in
            try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
        }
        #expect(
            migrations == [
                "v1", "v2: rollups", "v3: rule state", "v4: alert delivery", "v5: compact windows", "v6: checkpoint",
            ])
        // v5 keeps both revisions, flags the later one as latest and carries its PSI into the JSON column.
        #expect(try store.rows(StoreQuery(.windows)).rows.map(\.record) == ["{\"old\":\"revised\"}"])
        var every = StoreQuery(.windows)
        every.allRevisions = true
        #expect(try store.rows(every).rows.map(\.record) == ["{\"old\":true}", "{\"old\":\"revised\"}"])
        var temperature = StoreQuery(.windows)
        temperature.feature = "temp_c"
        let psi = try store.rows(temperature)
        #expect(psi.rows.map { $0.values[psi.columns.firstIndex(of: "psi")!] } == ["0.125"])
        let migrated = try DatabaseQueue(path: path).read { db in
            try Row.fetchAll(db, sql: "SELECT revision, latest, psi FROM windows ORDER BY revision").map {
                "\($0["revision"] as Int) \($0["latest"] as Int) \(($0["psi"] as String?) ?? "NULL")"
            }
        }
        #expect(migrated == ["0 0 NULL", "1 1 {\"current_a\":null,\"temp_c\":0.125}"])
        #expect(try store.rows(StoreQuery(.models)).rows.count == 1)
        var batch = StoreBatch()
        batch.results = [Self.hourWindow(start: Self.origin, count: 4)]
        try store.write(batch)
        var hours = StoreQuery(.windows)
        hours.resolution = .hour
        let rolled = try store.rows(hours)
        #expect(rolled.rows.count == 1)
        #expect(rolled.rows[0].values[rolled.columns.firstIndex(of: "count")!] == "4")
        #expect(try store.rows(StoreQuery(.windows)).rows.count == 2)
    }

    /// The tables as the first release (migration `v1`) created them.
    static let firstSchema = """
        CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
        CREATE TABLE window_results (
            model TEXT NOT NULL, version TEXT NOT NULL, segment TEXT NOT NULL, window_start INTEGER NOT NULL,
            window_end INTEGER NOT NULL, revision INTEGER NOT NULL, count INTEGER NOT NULL, accuracy_online REAL,
            accuracy_offline REAL, accuracy_gap_pp REAL, labelled INTEGER NOT NULL, latency_p50 REAL,
            latency_p95 REAL, latency_p99 REAL, latency_max REAL, throughput_per_s REAL NOT NULL,
            record TEXT NOT NULL, PRIMARY KEY (model, version, segment, window_start, revision)
        ) WITHOUT ROWID;
        CREATE INDEX window_results_by_start ON window_results (window_start);
        CREATE TABLE window_psi (
            model TEXT NOT NULL, version TEXT NOT NULL, segment TEXT NOT NULL, window_start INTEGER NOT NULL,
            revision INTEGER NOT NULL, feature TEXT NOT NULL, psi REAL,
            PRIMARY KEY (model, version, segment, window_start, revision, feature)
        ) WITHOUT ROWID;
        CREATE INDEX window_psi_by_feature ON window_psi (feature, window_start);
        CREATE TABLE alerts (
            alert_id TEXT NOT NULL, state TEXT NOT NULL, window_start INTEGER NOT NULL, window_end INTEGER NOT NULL,
            rule TEXT NOT NULL, model TEXT NOT NULL, version TEXT NOT NULL, segment TEXT NOT NULL, feature TEXT,
            value REAL NOT NULL, threshold REAL NOT NULL, at INTEGER NOT NULL, record TEXT NOT NULL,
            PRIMARY KEY (alert_id, state, window_start)
        ) WITHOUT ROWID;
        CREATE INDEX alerts_by_start ON alerts (window_start);
        CREATE TABLE retrain_triggers (
            trigger_id TEXT NOT NULL PRIMARY KEY, model TEXT NOT NULL, version TEXT NOT NULL,
            window_start INTEGER NOT NULL, window_end INTEGER NOT NULL, at INTEGER NOT NULL, record TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX retrain_triggers_by_start ON retrain_triggers (window_start);
        CREATE TABLE baselines (
            model TEXT NOT NULL, version TEXT NOT NULL, task TEXT, offline_accuracy REAL,
            first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL, PRIMARY KEY (model, version)
        ) WITHOUT ROWID;
        """
}
