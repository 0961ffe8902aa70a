/// Everything a `DriftProcessor` holds between two events that a restart would otherwise rebuild by
/// reading its input again: open windows with every operator's counts, keys, watermarks, the
/// inferences waiting for labels, the request ids that tell duplicates, and where each input
/// partition resumes. Rule state is not in it: the store keeps that (`RuleSnapshot`).
///
/// Taken with `DriftProcessor.checkpoint()`, given back with `DriftProcessor.restore(_:now:)` to a
/// processor of the same `shape`, whose symbol table was made from `symbols` (so every interned id
/// is the one the checkpoint's counts and hashes use). Records a partition held back for an
/// unconfirmed time jump are not in it: the partition resumes at the first of them.
public struct ProcessorCheckpoint: Codable, Equatable, Sendable {
    /// The layout's version, raised whenever it changes; a checkpoint of another is refused.
    public static let currentFormat = 1

    /// The settings open windows depend on; a processor restores only a checkpoint of its own.
    public struct Shape: Codable, Equatable, Sendable {
        public var windowSize: Int64
        public var windowHop: Int64
        public var segmentDimensions: [String]
        public var keySets: [[String]]
        public var labelWait: Int64
        public var allowedLateness: Int64
        public var reviseEvery: Int64
        public var processingTime: Bool

        /// The shape of a processor with `settings`.
        public init(_ settings: ProcessorSettings) {
            windowSize = settings.window.size
            windowHop = settings.window.hop
            segmentDimensions = settings.segmentDimensions
            keySets = settings.keySets
            labelWait = settings.labelWait
            allowedLateness = settings.allowedLateness
            reviseEvery = settings.reviseEvery
            processingTime = settings.processingTime
        }

        /// What differs in `other` (a new topology's), one phrase per setting: empty when equal.
        public func changes(to other: Shape) -> [String] {
            func ms(_ value: Int64) -> String { DurationText.text(milliseconds: value) }
            func sets(_ sets: [[String]]) -> String {
                sets.map { "[" + $0.joined(separator: ",") + "]" }.joined(separator: " ")
            }
            var changes: [String] = []
            func compare<T: Equatable>(_ name: String, _ old: T, _ new: T, _ text: (T) -> String) {
                if old != new { changes.append("\(name) \(text(old)) → \(text(new))") }
            }
            compare("window size", windowSize, other.windowSize, ms)
            compare("window hop", windowHop, other.windowHop, ms)
            compare("segment dimensions", segmentDimensions, other.segmentDimensions) { $0.joined(separator: ",") }
            compare("key sets", keySets, other.keySets, sets)
            compare("label wait", labelWait, other.labelWait, ms)
            compare("allowed lateness", allowedLateness, other.allowedLateness, ms)
            compare("revise_every", reviseEvery, other.reviseEvery, ms)
            compare("processing time", processingTime, other.processingTime) { "\($0)" }
            return changes
        }
    }

    /// One (model, version): its feature slots, classes and task as the windows count them.
    public struct Profile: Codable, Equatable, Sendable {
        public var model: String
        public var version: String
        public var task: ModelTask?
        /// Feature names by slot, the baseline's first.
        public var features: [String]
        /// Class names by class id, the baseline's first.
        public var classes: [String]
        /// Bins per baseline feature, in baseline order: the layout of a window's bin counts.
        public var binCounts: [Int]
    }

    /// One key: its profile, its interned segment ids, and its open windows' starts, latest first.
    public struct Key: Codable, Equatable, Sendable {
        /// The key's id in the processor that took the checkpoint (label entries refer to it).
        public var id: Int
        public var profile: Int
        public var tuple: [UInt64]
        public var segment: [SegmentValue]
        public var windowStarts: [Int64]
        public var idleSince: Int64?
    }

    /// One open window of one key, with every operator's running counts.
    public struct Window: Codable, Equatable, Sendable {
        public var key: Int
        public var start: Int64
        public var count: Int
        /// Inferences with a value, per feature slot.
        public var present: [UInt32]
        /// The flat bin counts of the baseline features.
        public var bins: [UInt32]
        public var latency: [WindowCounts.LatencyBucket]
        /// The largest latency recorded, in milliseconds; nil while none was.
        public var latencyMax: Double?
        public var classification: ClassificationTally
        public var regression: RegressionTally
        public var resources: [WindowCounts.HostSamples]
        public var nextRevision: Int
        public var closed: Bool
        public var final: Bool
        public var dirty: Bool
    }

    /// The windows of one start, and the earliest offset per partition that counted in one.
    public struct Group: Codable, Equatable, Sendable {
        public var start: Int64
        public var minimumOffsets: [Int64]
    }

    /// An inference waiting for its label.
    public struct PendingLabel: Codable, Equatable, Sendable {
        public var model: String
        public var requestID: String
        public var timestamp: Int64
        public var profile: Int
        /// The predicted class id, or -1 for a regressor.
        public var predictedClass: Int
        /// The predicted value of a regressor; nil for a classifier.
        public var predictedValue: Double?
        /// The inference's key per key set (checkpoint ids), -1 where it has none.
        public var keys: [Int32]
    }

    /// A request id counted lately (its hash, over the checkpoint's symbol ids).
    public struct RecentRequest: Codable, Equatable, Sendable {
        public var hash: UInt64
        public var timestamp: Int64
    }

    /// A key whose last open window was dropped at `since`, to be forgotten after a while.
    public struct IdleKey: Codable, Equatable, Sendable {
        public var key: Int
        public var since: Int64
    }

    public var format: Int
    public var shape: Shape
    /// The symbol table's strings, by id.
    public var symbols: [String]
    /// The combined watermark.
    public var watermark: Int64
    /// Per partition, the largest event time it delivered (`Int64.min` before its first); nil for
    /// a partition that had ended or was revoked.
    public var partitionTimes: [Int64?]
    /// Per partition, the offset of the first record not counted yet: where reading resumes.
    public var nextOffsets: [Int64]
    public var lastRevisionTick: Int64
    public var profiles: [Profile]
    public var keys: [Key]
    /// Open windows, by start, in the order they are settled.
    public var windows: [Window]
    public var groups: [Group]
    /// In arrival order (the order they expire in).
    public var pendingLabels: [PendingLabel]
    /// In arrival order.
    public var recentRequests: [RecentRequest]
    public var idleKeys: [IdleKey]
}
