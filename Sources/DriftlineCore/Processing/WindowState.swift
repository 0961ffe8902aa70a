/// The open state of one window of one key: every operator's running counts, mutated in place.
///
/// A class, so the hot path updates it through one reference instead of copying arrays.
final class WindowState {
    let key: KeyState
    /// The windows sharing this start; holds this window until the group is dropped.
    let group: WindowGroup
    let start: Int64
    let end: Int64

    var count = 0
    /// Inferences with a value per feature slot (`presentCapacity` of them; grows with the profile).
    private var present: UnsafeMutablePointer<UInt32>
    private var presentCapacity: Int
    /// Flat bin counts of the baseline features (see `ModelProfile.binOffsets`), `binCount` of them.
    let bins: UnsafeMutablePointer<UInt32>
    let binCount: Int
    /// Sparse: its memory grows with the distinct latency buckets this window saw.
    var latency = LatencyHistogram()
    /// `latencyResult()` of the histogram as it is; dropped when a latency is recorded.
    private var cachedLatency: LatencyResult?
    var classification = ClassificationTally()
    var regression = RegressionTally()
    var resources: [Symbol: ResourceSamples] = [:]

    /// Revisions emitted so far (the next one is this number).
    var revisions = 0
    /// The window closed (the watermark passed its end).
    var closed = false
    /// The label horizon passed: accuracy is final and has been judged.
    var final = false
    /// Changed since its last emission.
    var dirty = false

    init(key: KeyState, group: WindowGroup, size: Int64) {
        self.key = key
        self.group = group
        self.start = group.start
        self.end = group.start + size
        presentCapacity = max(key.profile.featureNames.count, 1)
        present = .allocate(capacity: presentCapacity)
        present.initialize(repeating: 0, count: presentCapacity)
        binCount = key.profile.totalBins
        bins = .allocate(capacity: max(binCount, 1))
        bins.initialize(repeating: 0, count: max(binCount, 1))
    }

    deinit {
        present.deallocate()
        bins.deallocate()
    }

    /// The flat bin counts of the feature whose bins start at `offset`.
    func bins(offset: Int, count: Int) -> UnsafeBufferPointer<UInt32> {
        UnsafeBufferPointer(start: bins + offset, count: count)
    }

    /// Inferences with a value of the feature in `slot`.
    func presentCount(slot: Int) -> Int {
        slot < presentCapacity ? Int(present[slot]) : 0
    }

    /// Records one inference's latency.
    @inline(__always)
    func recordLatency(_ milliseconds: Double) {
        latency.record(milliseconds: milliseconds)
        cachedLatency = nil
    }

    /// Nearest-rank p50/p90/p95/p99/p99.9 and the exact maximum (see `LatencyHistogram.result()`),
    /// kept until the next latency is recorded.
    func latencyResult() -> LatencyResult? {
        if let cachedLatency { return cachedLatency }
        cachedLatency = latency.result()
        return cachedLatency
    }

    /// Marks one more slot present, growing the counts when the profile gained a feature.
    @inline(__always)
    func markPresent(slot: Int) {
        if slot >= presentCapacity { growPresent(to: slot + 1) }
        present[slot] &+= 1
    }

    private func growPresent(to needed: Int) {
        let capacity = max(needed, presentCapacity * 2)
        let grown = UnsafeMutablePointer<UInt32>.allocate(capacity: capacity)
        grown.initialize(from: present, count: presentCapacity)
        (grown + presentCapacity).initialize(repeating: 0, count: capacity - presentCapacity)
        present.deallocate()
        present = grown
        presentCapacity = capacity
    }
}

/// Resource samples of one host in one window.
struct ResourceSamples {
    /// One array per `ResourceSamples.fields` entry.
    var values: [[Double]] = Array(repeating: [], count: ResourceSamples.fields.count)

    /// The contract's resource fields, in output order.
    static let fields = ["cpu_pct", "mem_mb", "gpu_pct", "gpu_mem_mb"]

    mutating func record(_ event: borrowing Event) {
        if let v = event.cpuPct { values[0].append(v) }
        if let v = event.memMB { values[1].append(v) }
        if let v = event.gpuPct { values[2].append(v) }
        if let v = event.gpuMemMB { values[3].append(v) }
    }

    /// Mean, max and nearest-rank p95 of each field that has samples.
    static func stats(_ samples: [[Double]]) -> [ResourceStat] {
        var stats: [ResourceStat] = []
        for (index, values) in samples.enumerated() where !values.isEmpty {
            let sorted = values.sorted()
            let rank = Int((0.95 * Double(sorted.count)).rounded(.up))
            stats.append(
                ResourceStat(
                    field: fields[index], mean: sorted.reduce(0, +) / Double(sorted.count),
                    max: sorted[sorted.count - 1],
                    p95: sorted[max(rank, 1) - 1], samples: sorted.count))
        }
        return stats
    }
}
