/// A threshold rule over window results.
public struct RuleSpec: Equatable, Sendable {
    /// The rule's name, the first part of every `alert_id` it makes. Entries of one name with
    /// different scopes are one rule: for each key the most specific matching entry judges.
    public var name: String
    /// What the rule watches.
    public var metric: MetricSelector
    /// Fires when `metric op threshold` holds.
    public var op: RuleComparison
    public var threshold: Double
    /// Resolves when `metric op resolveThreshold` no longer holds; `threshold` unless hysteresis is wanted.
    public var resolveThreshold: Double
    /// How many consecutive judged windows must breach before the rule fires (`for` in a topology).
    public var sustain: Int
    /// Windows with fewer samples than this (present values of the feature, labelled inferences for
    /// accuracy, latency values, events) are not judged and do not break a streak.
    public var minSamples: Int
    public var severity: String
    /// Whether a firing transition also emits a retraining trigger.
    public var retrain: Bool
    /// The keys the rule judges.
    public var scope: RuleScope
    /// When set, the rule judges the drop of the metric below the mean of this many trailing judged
    /// windows of the key, `1 − value / mean`, instead of the value itself (throughput only).
    public var dropVsTrailing: Int?
    /// When set (accuracy selectors only), the rule judges the one-sided Wilson bound of online
    /// accuracy at this confidence that is least likely to breach, instead of the point value.
    public var confidence: Double?
    /// When set, a firing alert is notified again (another `firing` record, for the window judged)
    /// once this much event time (milliseconds) has passed since its last notification.
    public var repeatInterval: Int64?

    /// The labels an accuracy window needs to be judged unless a rule says otherwise.
    public static let defaultMinLabels = 200

    public init(
        name: String, metric: MetricSelector, op: RuleComparison = .greater, threshold: Double,
        resolveThreshold: Double? = nil, sustain: Int = 1, minSamples: Int? = nil, severity: String = "warning",
        retrain: Bool = false, scope: RuleScope = .all, dropVsTrailing: Int? = nil, confidence: Double? = nil,
        repeatInterval: Int64? = nil
    ) {
        self.name = name
        self.metric = metric
        self.op = op
        self.threshold = threshold
        self.resolveThreshold = resolveThreshold ?? threshold
        self.sustain = sustain
        self.minSamples = minSamples ?? (metric.isAccuracy ? Self.defaultMinLabels : 1)
        self.severity = severity
        self.retrain = retrain
        self.scope = scope
        self.dropVsTrailing = dropVsTrailing
        self.confidence = confidence
        self.repeatInterval = repeatInterval
    }

    /// The `metric` its alerts name: the selector's family, `throughput.drop` for a drop rule.
    public var alertMetric: RuleMetric {
        dropVsTrailing == nil ? metric.family : .throughputDrop
    }

    /// The contract's default rules: `psi_high`, `accuracy_gap`, `latency_p99_high`.
    public static let defaults: [RuleSpec] = [
        RuleSpec(
            name: "psi_high", metric: .psi(.all), threshold: 0.25, minSamples: 500, severity: "critical",
            retrain: true),
        RuleSpec(
            name: "accuracy_gap", metric: .accuracyGap, threshold: 3, sustain: 3, severity: "critical", retrain: true),
        RuleSpec(name: "latency_p99_high", metric: .latency(.p99), threshold: 100, severity: "warning"),
    ]
}
