/// Event-time progress of a set of input partitions.
///
/// Each partition's watermark is the largest event time it has delivered minus the allowed
/// out-of-orderness; the combined watermark is the minimum over the partitions that are not idle.
/// A partition that has delivered nothing for `idleTimeout` (in processing time, passed in by the
/// caller) stops holding the others back until it delivers again. When every partition is idle and
/// `advancesWhenIdle`, the watermark follows the wall clock from the last event time (each quiet
/// partition's event time is taken to go on at the clock's pace), so a stream that stops at the end
/// of a shift still closes its last window.
public struct Watermarks: Sendable {
    private struct Partition: Sendable {
        var maxEventTime: Int64
        var lastActivity: Int64
    }

    /// Allowed out-of-orderness in milliseconds.
    public let outOfOrderness: Int64
    /// Processing-time milliseconds after which a silent partition counts as idle.
    public let idleTimeout: Int64
    /// Whether the watermark follows the wall clock once every partition is idle.
    public let advancesWhenIdle: Bool
    /// Indexed by partition number (small, dense numbers the caller assigns); nil where none.
    private var partitions: [Partition?] = []
    /// The combined watermark; never moves backwards.
    public private(set) var current: Int64 = .min

    public init(outOfOrderness: Int64, idleTimeout: Int64, advancesWhenIdle: Bool = true) {
        self.outOfOrderness = outOfOrderness
        self.idleTimeout = idleTimeout
        self.advancesWhenIdle = advancesWhenIdle
    }

    /// The largest event time `partition` has delivered, or `nil` before its first.
    public func maxEventTime(of partition: Int) -> Int64? {
        guard partition < partitions.count, let state = partitions[partition], state.maxEventTime != .min else {
            return nil
        }
        return state.maxEventTime
    }

    /// Records an event of `partition` at `eventTime`, seen at processing time `now`.
    /// Returns the new combined watermark when it advanced.
    @discardableResult
    public mutating func observe(partition: Int, eventTime: Int64, now: Int64) -> Int64? {
        if partition >= partitions.count {
            partitions.append(contentsOf: repeatElement(nil, count: partition + 1 - partitions.count))
        }
        guard var state = partitions[partition] else {
            partitions[partition] = Partition(maxEventTime: eventTime, lastActivity: now)
            return recompute(now: now)
        }
        let previousMax = state.maxEventTime
        state.maxEventTime = max(previousMax, eventTime)
        state.lastActivity = max(state.lastActivity, now)
        partitions[partition] = state
        // Only the partition holding the watermark back can move it: one already ahead of it
        // (or one that did not advance) leaves the minimum where it was.
        let mayHoldBack =
            previousMax == .min || current == .min || (current != .max && previousMax <= current + outOfOrderness)
        guard state.maxEventTime > previousMax, mayHoldBack else { return nil }
        return recompute(now: now)
    }

    /// Re-evaluates idleness at processing time `now`; returns the new watermark when it advanced.
    @discardableResult
    public mutating func tick(now: Int64) -> Int64? {
        recompute(now: now)
    }

    /// Registers a partition before it delivers anything, so it holds the watermark back from the start.
    public mutating func register(partition: Int, now: Int64) {
        if partition >= partitions.count {
            partitions.append(contentsOf: repeatElement(nil, count: partition + 1 - partitions.count))
        }
        if partitions[partition] == nil {
            partitions[partition] = Partition(maxEventTime: .min, lastActivity: now)
        }
    }

    /// Forgets a partition (revoked, or finished), so it no longer holds the watermark back.
    public mutating func remove(partition: Int, now: Int64) -> Int64? {
        if partition < partitions.count { partitions[partition] = nil }
        return recompute(now: now)
    }

    /// Per partition, the largest event time it delivered (`Int64.min` before its first); nil
    /// where none is held.
    public var partitionTimes: [Int64?] { partitions.map { $0?.maxEventTime } }

    /// Carries on from `partitionTimes` and `current` (a checkpoint's), every partition taken to
    /// have delivered at processing time `now`.
    public mutating func restore(current: Int64, partitionTimes: [Int64?], now: Int64) {
        self.current = current
        partitions = partitionTimes.map { time in time.map { Partition(maxEventTime: $0, lastActivity: now) } }
    }

    /// Moves the watermark to the end of time: every window may close (end of a finite input).
    public mutating func finish() {
        current = .max
    }

    private mutating func recompute(now: Int64) -> Int64? {
        var low = Int64.max
        var anyActive = false
        // Every partition idle: the latest event time, moved on by the wall clock since it came.
        var followingClock = Int64.min
        for case let state? in partitions {
            if now - state.lastActivity < idleTimeout {
                anyActive = true
                low = min(low, state.maxEventTime)
            } else if state.maxEventTime != .min {
                followingClock = max(followingClock, state.maxEventTime + (now - state.lastActivity))
            }
        }
        if !anyActive && advancesWhenIdle && followingClock != .min { low = followingClock }
        guard anyActive || low != .max, low != .min else { return nil }
        let candidate = low - outOfOrderness
        guard candidate > current else { return nil }
        current = candidate
        return candidate
    }
}
