public import DriftlineCore

/// Output records handed to the store together, written in one transaction.
///
/// Each record travels with the exact JSON bytes the sinks wrote for it, which the store keeps in
/// its `record` column, next to the figures it copies into columns for filtering.
public struct StoreBatch: Sendable {
    /// One output value and its encoded contract record.
    public struct Entry<Value: Sendable>: Sendable {
        /// The value the columns are taken from.
        public var value: Value
        /// The record as the sinks wrote it (UTF-8 JSON, no trailing newline).
        public var record: [UInt8]
        /// Window results of tumbling windows: the counts behind the result, which the store keeps
        /// and merges into hourly and daily rollups; `nil` for other records and hopping windows.
        public var counts: WindowCounts?

        /// `value`, encoded as `record`, with its `counts` when it rolls up.
        public init(_ value: Value, record: [UInt8], counts: WindowCounts? = nil) {
            self.value = value
            self.record = record
            self.counts = counts
        }
    }

    /// Window results, every revision.
    public var results: [Entry<WindowResult>] = []
    /// Alert transitions.
    public var alerts: [Entry<Alert>] = []
    /// Retraining triggers.
    public var triggers: [Entry<RetrainTrigger>] = []
    /// Baselines in use, seen at a processing time.
    public var baselines: [BaselineUse] = []
    /// Rule states changed, oldest first: kept while worth keeping, removed when not.
    public var ruleStates: [RuleState] = []
    /// How far rules have judged.
    public var judgedThrough: JudgedThrough?
    /// The engine's checkpoint, taken once every output before it was durable.
    public var checkpoint: StoredCheckpoint?

    /// An empty batch.
    public init() {}

    /// Whether the batch holds nothing to write.
    public var isEmpty: Bool {
        results.isEmpty && alerts.isEmpty && triggers.isEmpty && baselines.isEmpty && ruleStates.isEmpty
            && judgedThrough == nil && checkpoint == nil
    }

    /// Appends every entry of `other`.
    public mutating func append(contentsOf other: StoreBatch) {
        results += other.results
        alerts += other.alerts
        triggers += other.triggers
        baselines += other.baselines
        ruleStates += other.ruleStates
        if let through = other.judgedThrough { judgedThrough = judgedThrough?.merged(with: through) ?? through }
        if let later = other.checkpoint { checkpoint = later }
    }
}

/// A baseline (model version) the engine judged windows against, seen at a processing time.
public struct BaselineUse: Equatable, Sendable {
    /// The whole baseline, which rollups are judged against.
    public var baseline: Baseline
    /// Processing time, epoch milliseconds.
    public var seenAt: Int64

    /// The use of `baseline` at `seenAt`.
    public init(_ baseline: Baseline, seenAt: Int64) {
        self.baseline = baseline
        self.seenAt = seenAt
    }

    public var model: String { baseline.model }
    public var version: String { baseline.version }
    /// `classification` or `regression`; `nil` when the baseline does not say.
    public var task: String? { baseline.task?.rawValue }
    /// The offline test accuracy (classifiers).
    public var offlineAccuracy: Double? { baseline.offline?.accuracy }
}
