import DriftlineCore
import DriftlineStore
import DriftlineTestSupport
import Foundation

/// The benchmark store: `WindowResultFixture`'s keys and windows, encoded with the sinks' encoder
/// and written in time order, as the engine emits them (every key's window of one minute, then
/// the next minute; a revised window's second revision 10 minutes after its first).
struct StoreFixture {
    let fixture: WindowResultFixture
    let windows: Int
    private let encoder = ContractEncoder()

    init(keys: Int, windows: Int) {
        fixture = WindowResultFixture(keyCount: keys)
        self.windows = windows
    }

    /// The results emitted when the engine closes minute `minute`: revision 0 of every key's window
    /// of that minute, and revision 1 of the revised windows of minute `minute - 10`.
    func emitted(atMinute minute: Int) throws -> [StoreBatch.Entry<WindowResult>] {
        var entries: [StoreBatch.Entry<WindowResult>] = []
        for key in fixture.keys.indices {
            if minute < windows {
                let result = fixture.result(key: key, window: minute)
                entries.append(StoreBatch.Entry(result, record: try encoder.encode(result)))
            }
            let late = minute - 10
            if late >= 0 && late < windows && fixture.isRevised(key: key, window: late) {
                let result = fixture.result(key: key, window: late, revision: 1)
                entries.append(StoreBatch.Entry(result, record: try encoder.encode(result)))
            }
        }
        return entries
    }

    /// How many minutes of emission cover every window and revision.
    var minutes: Int { windows + 10 }

    /// Marker written next to a store once it is completely filled.
    static func marker(_ path: String) -> String { path + ".complete" }
}

/// Nearest-rank percentiles of a sample.
struct Percentiles {
    let sorted: [Double]

    init(_ values: [Double]) { sorted = values.sorted() }

    func at(_ q: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let rank = max(1, Int((q * Double(sorted.count)).rounded(.up)))
        return sorted[min(rank, sorted.count) - 1]
    }

    var summary: String {
        "p50 \(Self.ms(at(0.5))) ms, p99 \(Self.ms(at(0.99))) ms, min \(Self.ms(sorted.first ?? .nan)) ms, "
            + "max \(Self.ms(sorted.last ?? .nan)) ms (\(sorted.count) runs)"
    }

    static func ms(_ seconds: Double) -> String { String(format: "%.1f", seconds * 1_000) }
}

/// Seconds since an arbitrary start, monotonic.
func monotonicSeconds() -> Double {
    Double(DispatchTime.now().uptimeNanoseconds) / 1e9
}
