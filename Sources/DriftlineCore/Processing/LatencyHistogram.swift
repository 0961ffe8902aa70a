import Histogram

/// The latency histogram of one window: HdrHistogram's buckets (1 µs to 60 s at 3 significant
/// digits), stored sparsely, so its memory grows with the distinct buckets the window saw rather
/// than with the whole range.
///
/// A full `Histogram<UInt32>` over that range holds 17,408 counts (~70 KB) however few values it
/// saw. This one starts empty, keeps an open-addressing table of (bucket, count) pairs — 8 bytes a
/// pair, at most three quarters full — and only when a window has seen more than
/// `sparseLimit` distinct buckets does it move its counts into a full `Histogram`, so it never
/// takes much more than one. Buckets are those of `Histogram` with the same range and precision
/// (`lowestEquivalent(_:)` and `highestEquivalent(_:)` reproduce its `lowestEquivalentForValue`
/// and `highestEquivalentForValue`, which a test checks value by value), so percentiles are the
/// ones a full histogram gives.
///
/// Noncopyable: it owns its table and frees it on `deinit`.
public struct LatencyHistogram: ~Copyable {
    /// Latencies are recorded in microseconds up to this; larger ones count in the top bucket
    /// (the exact maximum is kept separately).
    public static let highestMicros: UInt64 = 60_000_000
    /// Distinct buckets kept sparsely; one more moves the counts into a full histogram (a table
    /// of 8,192 pairs is 64 KB, about what the full one takes).
    public static let sparseLimit = 6_144

    /// With the lowest discernible value 1 and 3 significant digits, HdrHistogram has 2,048 sub-buckets:
    /// the value's bucket is found from its leading zeros like this (`bucketIndexForValue`).
    private static let subBucketMask: UInt64 = 2_047
    private static let leadingZeroCountBase = 53

    /// Bucket (its lowest value) << 32 | count per slot; 0 is empty (no bucket's lowest value is 0,
    /// since values below 1 µs are recorded as 1).
    private var slots: UnsafeMutablePointer<UInt64>?
    private var capacity = 0
    private var used = 0
    /// The full histogram, once the window saw more than `sparseLimit` distinct buckets.
    private var dense: Histogram<UInt32>?
    /// Values recorded.
    public private(set) var count: UInt64 = 0
    /// The largest latency recorded, in milliseconds, exactly; −∞ while empty.
    public private(set) var maxMilliseconds = -Double.infinity

    /// An empty histogram; it allocates nothing until the first value.
    public init() {}

    /// A histogram holding `buckets` (as `buckets()` gives them) whose largest value was
    /// `maxMilliseconds`: a checkpointed window's.
    public init(buckets: [WindowCounts.LatencyBucket], maxMilliseconds: Double) {
        for bucket in buckets {
            for _ in 0..<bucket.count { record(micros: bucket.highest) }
        }
        self.maxMilliseconds = maxMilliseconds
    }

    deinit {
        slots?.deallocate()
    }

    /// The lowest value of the bucket holding `value` (`Histogram.lowestEquivalentForValue`).
    @inline(__always)
    public static func lowestEquivalent(_ value: UInt64) -> UInt64 {
        let shift = leadingZeroCountBase - (value | subBucketMask).leadingZeroBitCount
        return (value >> UInt64(shift)) << UInt64(shift)
    }

    /// The highest value of the bucket holding `value` (`Histogram.highestEquivalentForValue`).
    @inline(__always)
    public static func highestEquivalent(_ value: UInt64) -> UInt64 {
        let shift = leadingZeroCountBase - (value | subBucketMask).leadingZeroBitCount
        return ((value >> UInt64(shift)) << UInt64(shift)) + (1 << UInt64(shift)) - 1
    }

    /// The microseconds a latency is recorded as: rounded, at least 1, at most `highestMicros`.
    @inline(__always)
    public static func micros(_ milliseconds: Double) -> UInt64 {
        let micros = (milliseconds * 1000).rounded()
        // `!(micros >= 1)` also takes NaN.
        if !(micros >= 1) { return 1 }
        return micros > Double(highestMicros) ? highestMicros : UInt64(micros)
    }

    /// Bytes this histogram holds beyond its own fields.
    public var allocatedBytes: Int {
        capacity * MemoryLayout<UInt64>.stride + (dense?.estimatedFootprintInBytes ?? 0)
    }

    /// Distinct buckets recorded so far.
    public var bucketCount: Int {
        if let dense { return dense.recordedValues().reduce(0) { count, _ in count + 1 } }
        return used
    }

    /// Records one latency given in milliseconds.
    @inline(__always)
    public mutating func record(milliseconds: Double) {
        if milliseconds > maxMilliseconds { maxMilliseconds = milliseconds }
        record(micros: Self.micros(milliseconds))
    }

    /// Counts one value of `value` microseconds (at least 1, at most `highestMicros`).
    @inline(__always)
    private mutating func record(micros value: UInt64) {
        count &+= 1
        if dense != nil {
            dense!.record(value)
            return
        }
        let bucket = Self.lowestEquivalent(value)
        if let slots {
            let mask = capacity - 1
            var slot = Self.home(of: bucket, mask: mask)
            while slots[slot] != 0 {
                if slots[slot] >> 32 == bucket {
                    slots[slot] &+= 1
                    return
                }
                slot = (slot + 1) & mask
            }
            if (used + 1) * 4 <= capacity * 3 {
                slots[slot] = bucket << 32 | 1
                used += 1
                return
            }
        }
        insertGrowing(bucket: bucket)
    }

    @inline(__always)
    private static func home(of bucket: UInt64, mask: Int) -> Int {
        Int(truncatingIfNeeded: ((bucket &* 0x9E37_79B9_7F4A_7C15) >> 32)) & mask
    }

    /// Inserts a bucket that is not in the table when the table is missing or full: grows it, or
    /// moves everything into a full histogram past `sparseLimit`.
    private mutating func insertGrowing(bucket: UInt64) {
        if used + 1 > Self.sparseLimit {
            var histogram = Histogram<UInt32>(
                lowestDiscernibleValue: 1, highestTrackableValue: Self.highestMicros,
                numberOfSignificantValueDigits: .three
            )
            for slot in 0..<capacity {
                let entry = slots![slot]
                if entry != 0 { histogram.record(entry >> 32, count: UInt32(truncatingIfNeeded: entry)) }
            }
            histogram.record(bucket)
            slots?.deallocate()
            slots = nil
            capacity = 0
            used = 0
            dense = histogram
            return
        }
        let newCapacity = max(8, capacity * 2)
        let grown = UnsafeMutablePointer<UInt64>.allocate(capacity: newCapacity)
        grown.initialize(repeating: 0, count: newCapacity)
        let mask = newCapacity - 1
        for slot in 0..<capacity {
            let entry = slots![slot]
            guard entry != 0 else { continue }
            var target = Self.home(of: entry >> 32, mask: mask)
            while grown[target] != 0 { target = (target + 1) & mask }
            grown[target] = entry
        }
        var target = Self.home(of: bucket, mask: mask)
        while grown[target] != 0 { target = (target + 1) & mask }
        grown[target] = bucket << 32 | 1
        slots?.deallocate()
        slots = grown
        capacity = newCapacity
        used += 1
    }

    /// The recorded buckets in ascending order, each as (its highest equivalent value, its count).
    public func buckets() -> [(highest: UInt64, count: UInt64)] {
        if let dense {
            return dense.recordedValues().map { ($0.value, UInt64($0.count)) }
        }
        var buckets: [(highest: UInt64, count: UInt64)] = []
        buckets.reserveCapacity(used)
        for slot in 0..<capacity {
            let entry = slots![slot]
            if entry != 0 {
                buckets.append((Self.highestEquivalent(entry >> 32), entry & 0xFFFF_FFFF))
            }
        }
        buckets.sort { $0.highest < $1.highest }
        return buckets
    }

    /// Nearest-rank p50/p90/p95/p99/p99.9 and the exact maximum, in one pass over the buckets; nil
    /// while empty (see `LatencyResult.init(buckets:maxMilliseconds:)`).
    public func result() -> LatencyResult? {
        LatencyResult(buckets: buckets(), maxMilliseconds: maxMilliseconds)
    }
}

extension LatencyResult {
    /// Nearest-rank p50/p90/p95/p99/p99.9 of latencies counted in `buckets` (ascending, each as its
    /// highest equivalent value in microseconds and its count, as `LatencyHistogram.buckets()` gives
    /// them), and their exact maximum; nil when the buckets count nothing.
    ///
    /// The rank of quantile q over n values is ⌈q·n⌉ (the smallest value with at least q of the
    /// values at or below it); each percentile is its bucket's highest equivalent value, never
    /// above the largest value recorded — HdrHistogram's `valueAtPercentile`. Like it, percentiles
    /// stay in the recorded range (1 µs to 60 s); `max` is the exact largest latency.
    public init?(buckets: [(highest: UInt64, count: UInt64)], maxMilliseconds: Double) {
        let total = buckets.reduce(0) { $0 + $1.count }
        guard total > 0 else { return nil }
        let perMille: [UInt64] = [500, 900, 950, 990, 999]
        let ranks = perMille.map { Swift.max(1, ($0 * total + 999) / 1000) }
        let maxMicros = Double(LatencyHistogram.micros(maxMilliseconds))
        var values = [Double](repeating: maxMilliseconds, count: perMille.count)
        var next = 0
        var cumulative: UInt64 = 0
        for bucket in buckets where next < ranks.count {
            cumulative += bucket.count
            while next < ranks.count && cumulative >= ranks[next] {
                values[next] = min(Double(bucket.highest), maxMicros) / 1000
                next += 1
            }
        }
        self.init(
            p50: values[0], p90: values[1], p95: values[2], p99: values[3], p999: values[4], max: maxMilliseconds,
            samples: Int(total))
    }
}
