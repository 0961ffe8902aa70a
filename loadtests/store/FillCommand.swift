import ArgumentParser
import DriftlineStore
import Foundation

/// Fills the store once, through `HistoryStore.write` in batches; a complete store is left as it is.
struct FillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fill", abstract: "Fill the store with KEYS keys × WINDOWS one-minute windows (once).")

    @Option(help: "The store file (its folder must be outside version control).")
    var store: String
    @Option(help: "Keys (model, version, segment).")
    var keys = 100
    @Option(help: "One-minute windows per key (43,200 = 30 days).")
    var windows = 43_200
    @Option(help: "Minutes of emitted results per transaction.")
    var minutesPerBatch = 100
    @Flag(help: "Fill an existing empty file (e.g. made with another page size) instead of starting anew.")
    var reuse = false

    func run() throws {
        if FileManager.default.fileExists(atPath: StoreFixture.marker(store)) {
            print("\(store): already filled")
            return
        }
        if !reuse {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: store + suffix) }
        }
        let fixture = StoreFixture(keys: keys, windows: windows)
        let history = try HistoryStore(path: store)
        let started = monotonicSeconds()
        var written = 0
        var minute = 0
        while minute < fixture.minutes {
            var batch = StoreBatch()
            for offset in 0..<minutesPerBatch where minute + offset < fixture.minutes {
                batch.results += try fixture.emitted(atMinute: minute + offset)
            }
            try history.write(batch)
            written += batch.results.count
            minute += minutesPerBatch
            if minute % (minutesPerBatch * 50) == 0 {
                let elapsed = monotonicSeconds() - started
                print("\(written) results in \(Int(elapsed)) s (\(Int(Double(written) / elapsed))/s)")
            }
        }
        let elapsed = monotonicSeconds() - started
        try Data().write(to: URL(fileURLWithPath: StoreFixture.marker(store)))
        print("filled \(store): \(written) results in \(Int(elapsed)) s (\(Int(Double(written) / elapsed))/s)")
    }
}
