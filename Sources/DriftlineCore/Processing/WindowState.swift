import Histogram

/// The open state of one window of one key: every operator's running counts, mutated in place.
///
/// A class, so the hot path updates it through one reference instead of copying arrays.
final class WindowState {
    /// Latency is recorded in microseconds from 1 µs to 60 s at 3 significant digits (~70 KB);
    /// larger values count in the top bucket, and the exact maximum is kept separately.
    static let latencyHighestMicros: UInt64 = 60_000_000
    /// An empty latency histogram; a window's histogram starts as a copy of it, which shares its
    /// counts until the first record copies them in one block (building a histogram fills its
    /// counts element by element, several times slower).
    private static let emptyLatency = Histogram<UInt32>(
        lowestDiscernibleValue: 1, highestTrackableValue: latencyHighestMicros, numberOfSignificantValueDigits: .three)

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
    var latency: Histogram<UInt32>?
    /// `latencyResult()` of the histogram as it is; dropped when a latency is recorded.
    private var cachedLatency: LatencyResult?
    var latencyMax = -Double.infinity
    private var latencySamples = 0
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
        if latencySamples == 0 { latency = Self.emptyLatency }
        let micros = (milliseconds * 1000).rounded()
        let value =
            micros < 1 ? 1 : (micros > Double(Self.latencyHighestMicros) ? Self.latencyHighestMicros : UInt64(micros))
        _ = latency!.record(value)
        if milliseconds > latencyMax { latencyMax = milliseconds }
        latencySamples += 1
        cachedLatency = nil
    }

    /// Nearest-rank p50/p90/p95/p99/p99.9 and the exact maximum, in one pass over the recorded buckets.
    ///
    /// The rank of quantile q over n values is ⌈q·n⌉ (the smallest value with at least q of the values
    /// at or below it); each percentile is its bucket's highest equivalent value, as HdrHistogram's
    /// `valueAtPercentile` reports it, never above the largest value recorded.
    func latencyResult() -> LatencyResult? {
        if let cachedLatency { return cachedLatency }
        guard let histogram = latency, histogram.totalCount > 0 else { return nil }
        let total = histogram.totalCount
        let perMille: [UInt64] = [500, 900, 950, 990, 999]
        let ranks = perMille.map { max(1, ($0 * total + 999) / 1000) }
        let maxMicros = (latencyMax * 1000).rounded()
        var values = [Double](repeating: latencyMax, count: perMille.count)
        var next = 0
        var cumulative: UInt64 = 0
        for bucket in histogram.recordedValues() where next < ranks.count {
            cumulative += UInt64(bucket.count)
            while next < ranks.count && cumulative >= ranks[next] {
                values[next] = min(Double(bucket.value), maxMicros) / 1000
                next += 1
            }
        }
        cachedLatency = LatencyResult(
            p50: values[0], p90: values[1], p95: values[2], p99: values[3], p999: values[4], max: latencyMax,
            samples: Int(total))
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
