/// The window-result metric a rule watches.
public enum RuleMetric: String, Equatable, Sendable, CaseIterable {
    /// PSI of each input feature (one alert per feature).
    case psi
    /// Missing rate of each input feature (one alert per feature).
    case missingRate = "missing_rate"
    /// (offline − online) accuracy in percentage points, judged on final (fully labelled) windows.
    case accuracyGap = "accuracy_gap"
    case latencyP50 = "latency_p50"
    case latencyP95 = "latency_p95"
    case latencyP99 = "latency_p99"
    case latencyMax = "latency_max"
    case throughput
    case cpuPctMean = "cpu_pct_mean"
    case memMBMean = "mem_mb_mean"
    case gpuPctMean = "gpu_pct_mean"
    case gpuMemMBMean = "gpu_mem_mb_mean"
}

/// A threshold rule over window results.
public struct RuleSpec: Equatable, Sendable {
    /// Whether a rule fires above or below its threshold.
    public enum Direction: String, Equatable, Sendable, CaseIterable {
        case above
        case below
    }

    /// The rule's name, the first part of every `alert_id` it makes.
    public var name: String
    public var metric: RuleMetric
    public var direction: Direction
    /// Fires when the metric is strictly beyond this value (`>` for `.above`, `<` for `.below`).
    public var threshold: Double
    /// Resolves when the metric is back at or within this value; `threshold` unless hysteresis is wanted.
    public var resolveThreshold: Double
    /// How many consecutive judged windows must breach before the rule fires.
    public var sustain: Int
    /// Windows with fewer samples than this (present values of the feature, labelled inferences,
    /// latency values) are not judged.
    public var minSamples: Int
    public var severity: String
    /// Whether a firing transition also emits a retraining trigger.
    public var retrain: Bool

    public init(
        name: String, metric: RuleMetric, direction: Direction = .above, threshold: Double,
        resolveThreshold: Double? = nil, sustain: Int = 1, minSamples: Int = 1, severity: String = "warning",
        retrain: Bool = false
    ) {
        self.name = name
        self.metric = metric
        self.direction = direction
        self.threshold = threshold
        self.resolveThreshold = resolveThreshold ?? threshold
        self.sustain = sustain
        self.minSamples = minSamples
        self.severity = severity
        self.retrain = retrain
    }

    /// The contract's default rules: `psi_high`, `accuracy_gap`, `latency_p99_high`.
    public static let defaults: [RuleSpec] = [
        RuleSpec(name: "psi_high", metric: .psi, threshold: 0.25, minSamples: 500, severity: "critical", retrain: true),
        RuleSpec(
            name: "accuracy_gap", metric: .accuracyGap, threshold: 3, sustain: 3, severity: "critical", retrain: true),
        RuleSpec(name: "latency_p99_high", metric: .latencyP99, threshold: 100, severity: "warning"),
    ]
}
