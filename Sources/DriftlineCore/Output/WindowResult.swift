/// One segment dimension of a key, e.g. `line=L3`.
public struct SegmentValue: Codable, Equatable, Hashable, Sendable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A value per input feature, in baseline order, `nil` where it cannot be computed.
public struct FeatureMetric: Equatable, Sendable {
    public var feature: String
    public var value: Double?

    public init(feature: String, value: Double?) {
        self.feature = feature
        self.value = value
    }
}

/// Online accuracy of a window against the version's offline test value.
public struct AccuracyResult: Equatable, Sendable {
    /// Fraction of labelled inferences predicted right (classifiers); `nil` without labels.
    public var online: Double?
    /// The baseline's offline test accuracy; `nil` without a baseline.
    public var offline: Double?
    /// (offline − online) × 100, positive when online is worse.
    public var gapPP: Double?
    /// Inferences whose label is known.
    public var labelled: Int
    /// Whether the label horizon (window end + label wait) has passed: only final values are judged by rules.
    public var final: Bool
    /// Mean absolute error (regressors).
    public var mae: Double?
    /// Root mean squared error (regressors).
    public var rmse: Double?
    /// Precision, recall and F1 per class (classifiers), in the model's class order.
    public var perClass: [ClassResult]

    public init(
        online: Double?, offline: Double?, gapPP: Double?, labelled: Int, final: Bool, mae: Double? = nil,
        rmse: Double? = nil, perClass: [ClassResult] = []
    ) {
        self.online = online
        self.offline = offline
        self.gapPP = gapPP
        self.labelled = labelled
        self.final = final
        self.mae = mae
        self.rmse = rmse
        self.perClass = perClass
    }
}

/// Online precision, recall and F1 of one class; `nil` where undefined (no prediction or no instance).
public struct ClassResult: Equatable, Sendable {
    public var name: String
    public var metrics: ClassificationMetrics.ClassMetrics

    public init(name: String, metrics: ClassificationMetrics.ClassMetrics) {
        self.name = name
        self.metrics = metrics
    }
}

/// Nearest-rank latency percentiles of a window in milliseconds (HDR histogram, 3 significant digits).
public struct LatencyResult: Equatable, Sendable {
    public var p50: Double
    public var p90: Double
    public var p95: Double
    public var p99: Double
    public var p999: Double
    /// The exact largest value recorded.
    public var max: Double
    /// How many inferences carried a latency.
    public var samples: Int

    public init(p50: Double, p90: Double, p95: Double, p99: Double, p999: Double, max: Double, samples: Int) {
        self.p50 = p50
        self.p90 = p90
        self.p95 = p95
        self.p99 = p99
        self.p999 = p999
        self.max = max
        self.samples = samples
    }
}

/// Mean, maximum and nearest-rank p95 of one resource field over a window.
public struct ResourceStat: Equatable, Sendable {
    /// The contract's field name: `cpu_pct`, `mem_mb`, `gpu_pct` or `gpu_mem_mb`.
    public var field: String
    public var mean: Double
    public var max: Double
    public var p95: Double
    public var samples: Int

    public init(field: String, mean: Double, max: Double, p95: Double, samples: Int) {
        self.field = field
        self.mean = mean
        self.max = max
        self.p95 = p95
        self.samples = samples
    }
}

/// Resource statistics of one serving host over a window.
public struct HostResources: Equatable, Sendable {
    public var host: String
    public var stats: [ResourceStat]

    public init(host: String, stats: [ResourceStat]) {
        self.host = host
        self.stats = stats
    }
}

/// A closed window's metrics for one key: the contract's window result.
public struct WindowResult: Equatable, Sendable {
    public var model: String
    public var version: String
    /// The key's segment dimensions, sorted by name; empty for the whole-model rollup.
    public var segment: [SegmentValue]
    /// 0 on first emission; each re-emission after late data carries a higher one, numbered by
    /// event time so that the final revision's number does not depend on how often the window was
    /// emitted before (see `DriftProcessor`).
    public var revision: Int
    /// Window start (inclusive), epoch milliseconds.
    public var start: Int64
    /// Window end (exclusive), epoch milliseconds.
    public var end: Int64
    /// Inference events in the window.
    public var count: Int
    /// PSI per baseline feature; `nil` when the version has no baseline.
    public var psi: [FeatureMetric]?
    /// Share of inferences without a value per feature (baseline features, then others seen).
    public var missingRate: [FeatureMetric]
    public var accuracy: AccuracyResult
    /// `nil` when no inference carried a latency.
    public var latency: LatencyResult?
    public var throughputPerSecond: Double
    /// Statistics over every host of the key; empty without resource events.
    public var resources: [ResourceStat]
    public var resourcesByHost: [HostResources]

    public init(
        model: String, version: String, segment: [SegmentValue], revision: Int, start: Int64, end: Int64,
        count: Int, psi: [FeatureMetric]?, missingRate: [FeatureMetric], accuracy: AccuracyResult,
        latency: LatencyResult?, throughputPerSecond: Double, resources: [ResourceStat],
        resourcesByHost: [HostResources]
    ) {
        self.model = model
        self.version = version
        self.segment = segment
        self.revision = revision
        self.start = start
        self.end = end
        self.count = count
        self.psi = psi
        self.missingRate = missingRate
        self.accuracy = accuracy
        self.latency = latency
        self.throughputPerSecond = throughputPerSecond
        self.resources = resources
        self.resourcesByHost = resourcesByHost
    }

    /// The key's segment in `alert_id` form: `name=value` pairs joined by `,`, or `_all`.
    public var segmentID: String {
        segment.isEmpty ? "_all" : segment.map { "\($0.name)=\($0.value)" }.joined(separator: ",")
    }
}
