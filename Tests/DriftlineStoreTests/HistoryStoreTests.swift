import DriftlineCore
import DriftlineStore
import Foundation
import GRDB
import Synchronization
import Testing

@Suite struct HistoryStoreTests {
    /// A fresh store file in a directory of its own.
    static func temporaryPath() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("history.db").path
    }

    static func window(
        segment: [SegmentValue] = [], start: Int64, revision: Int = 0, count: Int = 100, online: Double? = 0.9
    ) -> StoreBatch.Entry<WindowResult> {
        let result = WindowResult(
            model: "weld-defect-cls", version: "3.2.0", segment: segment, revision: revision, start: start,
            end: start + 300_000, count: count,
            psi: [FeatureMetric(feature: "current_a", value: 0.3), FeatureMetric(feature: "temp_c", value: nil)],
            missingRate: [],
            accuracy: AccuracyResult(
                online: online, offline: 0.95, gapPP: online.map { (0.95 - $0) * 100 }, labelled: 50, final: true),
            latency: LatencyResult(p50: 20, p90: 40, p95: 50, p99: 90, p999: 99, max: 120, samples: count),
            throughputPerSecond: Double(count) / 300, resources: [], resourcesByHost: [])
        let segmentJSON = segment.map { "\"\($0.name)\":\"\($0.value)\"" }.joined(separator: ",")
        let record = "{\"count\":\(count),\"revision\":\(revision),\"segment\":{\(segmentJSON)},\"start\":\(start)}"
        return StoreBatch.Entry(result, record: Array(record.utf8))
    }

    static func alert(start: Int64, state: Alert.State, at: Int64) -> StoreBatch.Entry<Alert> {
        let alert = Alert(
            alertID: "psi_high/weld-defect-cls/3.2.0/line=L1/current_a", state: state, severity: "critical",
            rule: "psi_high", model: "weld-defect-cls", version: "3.2.0",
            segment: [SegmentValue(name: "line", value: "L1")],
            metric: .psi, feature: "current_a", value: 0.3, threshold: 0.25, windowStart: start,
            windowEnd: start + 300_000, at: at)
        return StoreBatch.Entry(alert, record: Array("{\"alert\":\"\(state.rawValue)\",\"at\":\(at)}".utf8))
    }

    static func sample() -> StoreBatch {
        var batch = StoreBatch()
        let line1 = [SegmentValue(name: "line", value: "L1")]
        batch.results = [
            window(start: 0), window(segment: line1, start: 0), window(start: 300_000),
            window(start: 300_000, revision: 1, count: 101, online: nil),
        ]
        batch.alerts = [alert(start: 300_000, state: .firing, at: 600_001)]
        batch.triggers = [
            StoreBatch.Entry(
                RetrainTrigger(
                    triggerID: "weld-defect-cls/3.2.0/1970-01-01T00:10:00.000Z", model: "weld-defect-cls",
                    version: "3.2.0", reasons: [], windowStart: 300_000, windowEnd: 600_000, at: 600_002),
                record: Array("{\"trigger\":1}".utf8))
        ]
        return batch
    }

    /// Every row of every table, as text, in primary-key order.
    static func dump(_ path: String) throws -> [String] {
        let queue = try DatabaseQueue(path: path)
        return try queue.read { db in
            var lines: [String] = []
            for table in ["window_results", "window_psi", "alerts", "retrain_triggers", "baselines"] {
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY 1, 2, 3, 4, 5") {
                    lines.append("\(table) \(row)")
                }
            }
            return lines
        }
    }

    @Test func theMigratorCreatesEveryTableWithItsPrimaryKeyInWALMode() throws {
        let path = try Self.temporaryPath()
        _ = try HistoryStore(path: path)
        let queue = try DatabaseQueue(path: path)
        let expected: [String: [String]] = [
            "series": ["id"], "windows": ["series", "window_start", "revision"],
            "alerts": ["alert_id", "state", "window_start"],
            "retrain_triggers": ["trigger_id"],
            "baselines": ["model", "version"],
            "window_counts": ["model", "version", "segment", "window_start"],
            "window_rollups": ["resolution", "model", "version", "segment", "window_start"],
            "rollup_psi": ["resolution", "model", "version", "segment", "window_start", "feature"],
            "rule_state": ["alert_id"], "engine_state": ["name"], "alert_outbox": ["seq"], "checkpoint": ["id"],
        ]
        try queue.read { db in
            for (table, key) in expected {
                let columns = try Row.fetchAll(db, sql: "SELECT name, pk FROM pragma_table_info(?)", arguments: [table])
                let primary = columns.filter { ($0["pk"] as Int) > 0 }.sorted { ($0["pk"] as Int) < ($1["pk"] as Int) }
                #expect(primary.map { $0["name"] as String } == key, "\(table)")
            }
            #expect(try String.fetchOne(db, sql: "PRAGMA journal_mode") == "wal")
            #expect(try Int.fetchOne(db, sql: "PRAGMA page_size") == 16_384)
            #expect(
                try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") == [
                    "v1", "v2: rollups", "v3: rule state", "v4: alert delivery", "v5: compact windows",
                    "v6: checkpoint",
                ])
            // The tables of the first schema stay readable, as views over `windows` and `series`.
            #expect(
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name")
                    == ["window_psi", "window_results"])
            let record = try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info('window_results')")
            #expect(Array(record.prefix(3)) == ["model", "version", "segment"] && record.last == "record")
            let psi = try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info('window_psi')")
            #expect(psi == ["model", "version", "segment", "window_start", "revision", "latest", "feature", "psi"])
        }
        // Opening it again migrates nothing and keeps it.
        _ = try HistoryStore(path: path)
    }

    @Test func writingTheSameOutputTwiceLeavesTheTablesIdentical() throws {
        let path = try Self.temporaryPath()
        let store = try HistoryStore(path: path)
        try store.write(Self.sample())
        let once = try Self.dump(path)
        #expect(once.count == 4 + 8 + 1 + 1)
        try store.write(Self.sample())
        #expect(try Self.dump(path) == once)
        // A later emission of the same alert transition keeps the first.
        var again = StoreBatch()
        again.alerts = [Self.alert(start: 300_000, state: .firing, at: 999_999)]
        try store.write(again)
        #expect(try Self.dump(path) == once)
    }

    @Test func recordsAreStoredByteForByteAndTheLatestRevisionIsReturned() throws {
        let path = try Self.temporaryPath()
        let store = try HistoryStore(path: path)
        let batch = Self.sample()
        try store.write(batch)
        let latest = try store.rows(StoreQuery(.windows))
        let records = batch.results.map { String(decoding: $0.record, as: UTF8.self) }
        // Ordered by window start, then segment: `_all` sorts before `line=L1`; revision 1 replaces 0.
        #expect(latest.rows.map(\.record) == [records[0], records[1], records[3]])
        var all = StoreQuery(.windows)
        all.allRevisions = true
        #expect(try store.rows(all).rows.map(\.record) == [records[0], records[1], records[2], records[3]])
        let columns = latest.columns
        let last = latest.rows[2].values
        #expect(last[columns.firstIndex(of: "revision")!] == "1")
        #expect(last[columns.firstIndex(of: "count")!] == "101")
        #expect(last[columns.firstIndex(of: "accuracy_online")!] == nil)
        #expect(last[columns.firstIndex(of: "window_start")!] == "300000")
    }

    /// Whatever order revisions arrive in (a replay of an old file after a live run), the highest
    /// is the latest; PSI lands in the `psi` JSON column in the result's feature order.
    @Test func theHighestRevisionIsLatestWhicheverArrivesFirst() throws {
        let path = try Self.temporaryPath()
        let store = try HistoryStore(path: path)
        for revision in [1, 0, 2] {
            var batch = StoreBatch()
            batch.results = [Self.window(start: 0, revision: revision, count: 100 + revision)]
            try store.write(batch)
        }
        let latest = try store.rows(StoreQuery(.windows))
        #expect(latest.rows.map { $0.values[latest.columns.firstIndex(of: "count")!] } == ["102"])
        let flags = try DatabaseQueue(path: path).read { db in
            try Row.fetchAll(db, sql: "SELECT revision, latest, psi FROM windows ORDER BY revision").map {
                "\($0["revision"] as Int) \($0["latest"] as Int) \($0["psi"] as String)"
            }
        }
        let psi = "{\"current_a\":0.3,\"temp_c\":null}"
        #expect(flags == ["0 0 \(psi)", "1 0 \(psi)", "2 1 \(psi)"])
    }

    /// A feature name with a quote, a backslash and a control character is escaped in the `psi`
    /// column, so SQLite's JSON functions (and `--feature`) still read it.
    @Test func aFeatureNameThatNeedsEscapingIsReadBackByItsName() throws {
        let store = try HistoryStore(path: try Self.temporaryPath())
        var entry = Self.window(start: 0)
        let name = "odd \"name\" \\ with\ttab"
        entry.value.psi = [FeatureMetric(feature: name, value: 0.5), FeatureMetric(feature: "é", value: 1e-7)]
        var batch = StoreBatch()
        batch.results = [entry]
        try store.write(batch)
        for (feature, psi) in [(name, "0.5"), ("é", "1e-07")] {
            var query = StoreQuery(.windows)
            query.feature = feature
            #expect(try store.rows(query).rows.map { $0.values.last } == [psi])
        }
    }

    @Test func filtersSelectBySegmentVersionAndWindowStart() throws {
        let path = try Self.temporaryPath()
        let store = try HistoryStore(path: path)
        try store.write(Self.sample())
        var query = StoreQuery(.windows)
        query.segment = "line=L1"
        #expect(try store.rows(query).rows.count == 1)
        query = StoreQuery(.windows)
        query.from = 300_000
        #expect(try store.rows(query).rows.count == 1)
        query.from = nil
        query.to = 300_000
        #expect(try store.rows(query).rows.count == 2)
        query.version = "9.9.9"
        #expect(try store.rows(query).rows.isEmpty)
        var psi = StoreQuery(.windows)
        psi.feature = "current_a"
        psi.segment = "_all"
        let withPSI = try store.rows(psi)
        #expect(withPSI.columns.last == "psi")
        #expect(withPSI.rows.map { $0.values.last } == ["0.3", "0.3"])
        psi.feature = "pressure"
        #expect(try store.rows(psi).rows.isEmpty)
        var alerts = StoreQuery(.alerts)
        alerts.feature = "current_a"
        #expect(try store.rows(alerts).rows.count == 1)
        alerts.feature = "temp_c"
        #expect(try store.rows(alerts).rows.isEmpty)
        #expect(try store.rows(StoreQuery(.triggers)).rows.count == 1)
    }

    @Test func aWriterCommitsEveryBatchBeforeSyncReturns() throws {
        let path = try Self.temporaryPath()
        let store = try HistoryStore(path: path)
        let writer = StoreWriter(store: store, capacity: 2)
        for start in 0..<50 {
            var batch = StoreBatch()
            batch.results = [Self.window(start: Int64(start) * 300_000)]
            try writer.write(batch)
        }
        try writer.sync()
        #expect(try store.rowCounts()["window_results"] == 50)
        #expect(try store.rowCounts()["window_psi"] == 100)
        try writer.close()
        #expect(throws: StoreError.self) { try writer.write(Self.sample()) }
    }

    /// A checkpoint goes in with the batch it is handed over with, and the next one replaces it.
    @Test func theLatestCheckpointIsKeptWithTheOutputsBeforeItAndCanBeDiscarded() throws {
        let path = try Self.temporaryPath()
        let store = try HistoryStore(path: path)
        #expect(try store.checkpoint() == nil)
        let writer = StoreWriter(store: store)
        var first = StoreBatch()
        first.results = [Self.window(start: 0)]
        first.checkpoint = StoredCheckpoint(format: 1, takenAt: 10, state: Array(#"{"watermark":1}"#.utf8))
        try writer.write(first)
        var second = StoreBatch()
        second.checkpoint = StoredCheckpoint(format: 1, takenAt: 20, state: Array(#"{"watermark":2}"#.utf8))
        try writer.write(second)
        try writer.sync()
        #expect(try store.checkpoint() == second.checkpoint)
        #expect(try store.rowCounts()["window_results"] == 1)
        // Any SQL tool reads it with SQLite's JSON functions.
        let watermark = try DatabaseQueue(path: path).read { db in
            try Int.fetchOne(db, sql: "SELECT json_extract(state, '$.watermark') FROM checkpoint")
        }
        #expect(watermark == 2)
        try store.discardCheckpoint()
        #expect(try store.checkpoint() == nil)
        try writer.close()
    }

    /// A write that cannot succeed later (here: its table was dropped behind the store's back) is
    /// never dropped in silence: `sync` throws, and so does every later `write`, so no offset is
    /// committed past it.
    @Test func aFailedWriteMakesSyncAndLaterWritesThrow() throws {
        let path = try Self.temporaryPath()
        let store = try HistoryStore(path: path)
        let writer = StoreWriter(store: store)
        try DatabaseQueue(path: path).write { db in try db.execute(sql: "DROP TABLE retrain_triggers") }
        try writer.write(Self.sample())
        let error = #expect(throws: StoreError.self) { try writer.sync() }
        #expect(error?.code == .writerFailed)
        #expect(throws: StoreError.self) { try writer.write(Self.sample()) }
        let counts = try DatabaseQueue(path: path).read { db in
            try ["windows", "alerts"].map { try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0)") }
        }
        #expect(counts == [0, 0])
        #expect(writer.retries == 0)
        #expect(throws: StoreError.self) { try writer.close() }
    }

    /// A transaction the file cannot take for now (another process holds its write lock past the
    /// busy timeout; a full disk answers the same way) is written again until it goes in, and
    /// reported: nothing is lost, and `sync` returns once it is stored.
    @Test func aTransactionRefusedForNowIsWrittenAgainUntilItGoesIn() throws {
        let path = try Self.temporaryPath()
        let store = try HistoryStore(path: path, busyTimeout: 0.1)
        let reports = Mutex<[String]>([])
        let writer = StoreWriter(store: store, report: { message in reports.withLock { $0.append(message) } })
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true
        let blocker = try DatabaseQueue(path: path, configuration: configuration)
        try blocker.inDatabase { db in try db.execute(sql: "BEGIN EXCLUSIVE") }
        try writer.write(Self.sample())
        Thread.sleep(forTimeInterval: 1)
        try blocker.inDatabase { db in try db.execute(sql: "COMMIT") }
        try writer.sync()
        #expect(try store.rowCounts()["window_results"] == 4)
        #expect(try store.rowCounts()["alerts"] == 1)
        // Refused for ~1 s with waits of 0.1, 0.2, 0.4 s and the busy timeouts between them.
        #expect((2...6).contains(writer.retries))
        let told = reports.withLock { $0 }
        #expect(told.count == 2)
        #expect(told.first?.contains("cannot write to the history store '\(path)' for now") == true)
        #expect(told.last?.contains("is written again, after \(writer.retries) attempt(s)") == true)
        try writer.close()
    }

    /// While the file is busy (another process writing it), the writer's queue fills and `write`
    /// waits instead of dropping; once the file is free, every batch is stored.
    @Test func aBusyFileMakesWriteWaitAndLosesNothing() throws {
        let path = try Self.temporaryPath()
        let store = try HistoryStore(path: path, busyTimeout: 5)
        let writer = StoreWriter(store: store, capacity: 1)
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true
        let blocker = try DatabaseQueue(path: path, configuration: configuration)
        try blocker.inDatabase { db in try db.execute(sql: "BEGIN EXCLUSIVE") }
        let released = ContinuousClock.now + .milliseconds(500)
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 0.5)
            try? blocker.inDatabase { db in try db.execute(sql: "COMMIT") }
        }
        // One batch in the writer's hands, one queued, the third waits for room.
        for start in 0..<3 {
            var batch = StoreBatch()
            batch.results = [Self.window(start: Int64(start) * 300_000)]
            try writer.write(batch)
        }
        #expect(ContinuousClock.now >= released - .milliseconds(50))
        try writer.sync()
        #expect(try store.rowCounts()["window_results"] == 3)
        try writer.close()
    }

    @Test func baselinesKeepTheirFirstAndLatestSighting() throws {
        let path = try Self.temporaryPath()
        let store = try HistoryStore(path: path)
        let baseline = Baseline(
            model: "m", version: "1", task: .regression, features: [], offline: nil, latencyBudgetMs: nil,
            binning: .init(method: .quantile, binCount: 10), createdFrom: .init(referenceRows: 0, testRows: 0))
        for seen: Int64 in [2_000, 1_000, 3_000] {
            var batch = StoreBatch()
            batch.baselines = [BaselineUse(baseline, seenAt: seen)]
            try store.write(batch)
        }
        let queue = try DatabaseQueue(path: path)
        let row = try queue.read { db in try Row.fetchOne(db, sql: "SELECT * FROM baselines") }
        #expect(row?["first_seen"] == 1_000 as Int64)
        #expect(row?["last_seen"] == 3_000 as Int64)
        #expect(row?["task"] == "regression")
    }

    @Test func aReaderNeedsAnExistingFile() throws {
        let path = try Self.temporaryPath()
        let error = #expect(throws: StoreError.self) { try HistoryStore(path: path, readOnly: true) }
        #expect(error?.code == .missing)
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
