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
    var classification = ClassificationTally()
    var regression = RegressionTally()
    var resources: [Symbol: ResourceSamples] = [:]

    /// The lowest number its next revision may carry: one above the last emitted, 0 before the first.
    var nextRevision = 0
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

    /// Inferences with a value, per slot up to `slots`.
    func presentCounts(slots: Int) -> [UInt32] {
        (0..<slots).map { UInt32(presentCount(slot: $0)) }
    }

    /// Sets the counts of inferences with a value per slot (a checkpoint's).
    func restorePresent(_ counts: [UInt32]) {
        if counts.count > presentCapacity { growPresent(to: counts.count) }
        for (slot, count) in counts.enumerated() { present[slot] = count }
    }

    /// Records one inference's latency.
    @inline(__always)
    func recordLatency(_ milliseconds: Double) {
        latency.record(milliseconds: milliseconds)
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
    /// One array per `WindowCounts.resourceFields` entry.
    var values: [[Double]] = Array(repeating: [], count: WindowCounts.resourceFields.count)

    mutating func record(_ event: borrowing Event) {
        if let v = event.cpuPct { values[0].append(v) }
        if let v = event.memMB { values[1].append(v) }
        if let v = event.gpuPct { values[2].append(v) }
        if let v = event.gpuMemMB { values[3].append(v) }
    }
}
