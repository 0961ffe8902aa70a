import ArgumentParser
import DriftlineStore
import DriftlineTestSupport
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Times "all windows of one key over 30 days" (the latest revision of each, records included)
/// through `HistoryStore.rows`, as `driftline query` reads it.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query", abstract: "Time the query of one key's 30 days, warm or cold.")

    @Option(help: "A filled store.")
    var store: String
    @Option(help: "Timed queries (after one untimed warm-up).")
    var iterations = 200
    @Option(help: "Keys in the store (queries take them in turn).")
    var keys = 100
    @Option(help: "Days of windows to read.")
    var days = 30
    @Flag(help: "Evict the store's files from the page cache first, then time only the first query after opening.")
    var cold = false

    func run() throws {
        let fixture = WindowResultFixture(keyCount: keys)
        var query = StoreQuery(.windows)
        query.from = fixture.startMs
        query.to = fixture.startMs + Int64(days) * 86_400_000
        func select(_ key: Int) {
            query.model = fixture.keys[key].model
            query.version = fixture.keys[key].version
            query.segment = fixture.segmentID(of: key)
        }
        if cold {
            print("page cache: \(Self.evict(store))")
            let started = monotonicSeconds()
            let history = try HistoryStore(path: store, readOnly: true)
            select(37 % fixture.keys.count)
            let rows = try history.rows(query)
            let elapsed = Percentiles.ms(monotonicSeconds() - started)
            print("cold: first query after open \(elapsed) ms, \(rows.rows.count) rows")
            return
        }
        let history = try HistoryStore(path: store, readOnly: true)
        select(0)
        let expected = try history.rows(query).rows.count
        var times: [Double] = []
        for iteration in 0..<iterations {
            select(iteration * 37 % fixture.keys.count)
            let started = monotonicSeconds()
            let rows = try history.rows(query)
            times.append(monotonicSeconds() - started)
            guard rows.rows.count == expected else {
                throw ValidationError("key \(iteration % fixture.keys.count): \(rows.rows.count) rows, not \(expected)")
            }
        }
        print("warm: \(expected) rows per query, \(Percentiles(times).summary)")
    }

    /// Drops the store's files from the page cache: all of it through `drop_caches` when permitted,
    /// else the files' own pages with `posix_fadvise(DONTNEED)` (clean pages only: the files were synced).
    static func evict(_ path: String) -> String {
        sync()
        if (try? "3\n".write(toFile: "/proc/sys/vm/drop_caches", atomically: false, encoding: .utf8)) != nil {
            return "dropped (drop_caches)"
        }
        var evicted: [String] = []
        for suffix in ["", "-wal", "-shm"] {
            let descriptor = open(path + suffix, O_RDONLY)
            guard descriptor >= 0 else { continue }
            fdatasync(descriptor)
            if posix_fadvise(descriptor, 0, 0, Int32(POSIX_FADV_DONTNEED)) == 0 { evicted.append(path + suffix) }
            close(descriptor)
        }
        return "drop_caches not permitted; evicted with posix_fadvise(DONTNEED): \(evicted.joined(separator: ", "))"
    }
}
