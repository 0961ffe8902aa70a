import ArgumentParser
import DriftlineStore
import Foundation

/// The rate at which the store takes window results through `StoreWriter`, the engine's path:
/// pre-encoded results handed over minute by minute (one engine drain each), timed until the
/// writer has committed and closed.
struct WriteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write", abstract: "Time window results written through StoreWriter.")

    @Option(help: "A store file to write (appended to when it exists).")
    var store: String
    @Option(help: "Keys; each minute of emission hands over one window result per key.")
    var keys = 100
    @Option(help: "Minutes of results to write.")
    var minutes = 1_000
    @Option(help: "Minutes of results per StoreWriter.write call (one engine drain).")
    var minutesPerBatch = 1
    @Option(help: "Records StoreWriter holds before write waits.")
    var capacity = StoreWriter.defaultCapacity

    func run() throws {
        let fixture = StoreFixture(keys: keys, windows: minutes)
        var batches: [StoreBatch] = []
        var count = 0
        var minute = 0
        while minute < fixture.minutes {
            var batch = StoreBatch()
            for offset in 0..<minutesPerBatch where minute + offset < fixture.minutes {
                batch.results += try fixture.emitted(atMinute: minute + offset)
            }
            count += batch.results.count
            batches.append(batch)
            minute += minutesPerBatch
        }
        let history = try HistoryStore(path: store)
        let writer = StoreWriter(store: history, capacity: capacity)
        let started = monotonicSeconds()
        for batch in batches { try writer.write(batch) }
        try writer.close()
        let elapsed = monotonicSeconds() - started
        let bytes = batches.reduce(0) { $0 + $1.results.reduce(0) { $0 + $1.record.count } }
        print(
            "write: \(count) results (\(bytes / max(count, 1)) B records) in \(batches.count) batches, "
                + "\(String(format: "%.2f", elapsed)) s: \(Int(Double(count) / elapsed)) results/s")
    }
}
