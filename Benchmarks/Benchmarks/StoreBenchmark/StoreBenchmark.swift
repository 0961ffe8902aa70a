import Benchmark
import DriftlineCore
import DriftlineStore
import DriftlineTestSupport
import Foundation

/// The history store at its intended size: 100 keys (model, version, segment) × 43,200 one-minute
/// windows (30 days, 4.32 M windows, about 2 % with a second revision) of realistic window results,
/// written once through `HistoryStore.write` into `data/store-bench/history.db` at the top of the
/// repository (ignored by git; `DRIFTLINE_STORE_FIXTURE` names another file) and reused while
/// complete. Filling took 35 minutes on a 2-core machine; `loadtests/store/run.sh fill` makes the same file.
///
/// - `query one key 30 days (warm)`: `HistoryStore.rows` for all windows of one key over its
///   30 days, the latest revision of each with its record; one iteration is one query (43,200
///   rows), always of the same key (the whole store, ~29 GB, does not fit in the page cache of a
///   24 GB machine). Target: p99 under 50 ms.
/// - `write through StoreWriter`: window results handed to `StoreWriter` one engine drain (one
///   minute of 100 keys) at a time and committed, appended to a store that grows across samples;
///   one scaled iteration is one window result, so `throughput` reads as results per second.
let benchmarks: @Sendable () -> Void = {
    Benchmark(
        "query one key 30 days (warm)",
        configuration: .init(
            metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
            maxDuration: .seconds(20),
            maxIterations: 400
        )
    ) { benchmark in
        let run = QueryRun.shared
        for _ in benchmark.scaledIterations {
            blackHole(run.queryNextKey())
        }
    }
    Benchmark(
        "write through StoreWriter",
        configuration: .init(
            metrics: [.throughput, .wallClock, .cpuTotal],
            scalingFactor: .kilo,
            maxDuration: .seconds(20),
            maxIterations: 200
        )
    ) { benchmark in
        let run = WriteRun.shared
        let batches = run.nextBatches(results: benchmark.scaledIterations.count)
        benchmark.startMeasurement()
        run.write(batches)
        benchmark.stopMeasurement()
    }
}

/// The cached 30-day store and the query of one key's month.
final class QueryRun: @unchecked Sendable {
    // @unchecked: benchmarks run one at a time on one thread.
    static let shared = QueryRun()

    let fixture = WindowResultFixture()
    let store: HistoryStore
    let key = 0

    init() {
        let path =
            ProcessInfo.processInfo.environment["DRIFTLINE_STORE_FIXTURE"]
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
                "../../../data/store-bench/history.db"
            ).standardized.path
        do {
            try Self.fillIfNeeded(path, fixture: fixture)
            store = try HistoryStore(path: path, readOnly: true)
        } catch {
            fatalError("cannot prepare the store fixture at \(path): \(error)")
        }
    }

    func queryNextKey() -> Int {
        var query = StoreQuery(.windows)
        query.model = fixture.keys[key].model
        query.version = fixture.keys[key].version
        query.segment = fixture.segmentID(of: key)
        query.from = fixture.startMs
        query.to = fixture.startMs + 30 * 86_400_000
        do {
            let rows = try store.rows(query)
            precondition(rows.rows.count == 43_200, "\(rows.rows.count) rows")
            return rows.rows.count
        } catch {
            fatalError("query failed: \(error)")
        }
    }

    /// Fills `path` as `driftline-load-store fill` does (same results, same order, same batches),
    /// unless a complete fill is marked next to it.
    static func fillIfNeeded(_ path: String, fixture: WindowResultFixture) throws {
        let marker = path + ".complete"
        guard !FileManager.default.fileExists(atPath: marker) else { return }
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let store = try HistoryStore(path: path)
        let encoder = ContractEncoder()
        var minute = 0
        while minute < 43_200 + 10 {
            var batch = StoreBatch()
            for current in minute..<min(minute + 100, 43_210) {
                batch.results += try emitted(fixture, atMinute: current, windows: 43_200, encoder: encoder)
            }
            try store.write(batch)
            minute += 100
        }
        try Data().write(to: URL(fileURLWithPath: marker))
    }
}

/// What the engine emits when it closes minute `minute`: every key's window of that minute, and
/// the second revision of the revised windows of ten minutes before.
func emitted(
    _ fixture: WindowResultFixture, atMinute minute: Int, windows: Int, encoder: ContractEncoder
) throws -> [StoreBatch.Entry<WindowResult>] {
    var entries: [StoreBatch.Entry<WindowResult>] = []
    for key in fixture.keys.indices {
        if minute < windows {
            let result = fixture.result(key: key, window: minute)
            entries.append(StoreBatch.Entry(result, record: try encoder.encode(result)))
        }
        if minute >= 10 && minute - 10 < windows && fixture.isRevised(key: key, window: minute - 10) {
            let result = fixture.result(key: key, window: minute - 10, revision: 1)
            entries.append(StoreBatch.Entry(result, record: try encoder.encode(result)))
        }
    }
    return entries
}

/// A store that grows across samples, written through the engine's `StoreWriter`.
final class WriteRun: @unchecked Sendable {
    // @unchecked: benchmarks run one at a time on one thread.
    static let shared = WriteRun()

    let fixture = WindowResultFixture()
    let encoder = ContractEncoder()
    let writer: StoreWriter
    var minute = 0
    var pending: [StoreBatch.Entry<WindowResult>] = []

    init() {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "driftline-store-benchmark-\(UUID().uuidString).db"
        ).path
        do {
            writer = StoreWriter(store: try HistoryStore(path: path))
        } catch {
            fatalError("cannot open a store at \(path): \(error)")
        }
    }

    /// Exactly `results` window results, one engine drain (a minute of every key) per batch.
    func nextBatches(results: Int) -> [StoreBatch] {
        var batches: [StoreBatch] = []
        var left = results
        while left > 0 {
            if pending.isEmpty {
                pending = (try? emitted(fixture, atMinute: minute, windows: Int.max, encoder: encoder)) ?? []
                minute += 1
            }
            var batch = StoreBatch()
            let taken = min(left, pending.count)
            batch.results = Array(pending.prefix(taken))
            pending.removeFirst(taken)
            left -= taken
            batches.append(batch)
        }
        return batches
    }

    func write(_ batches: [StoreBatch]) {
        do {
            for batch in batches { try writer.write(batch) }
            try writer.sync()
        } catch {
            fatalError("write failed: \(error)")
        }
    }
}
