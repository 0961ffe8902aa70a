/// The `metric` an alert or a retraining reason names: the family of the rule's selector (`psi`,
/// `missing_rate`, `accuracy.gap_pp`, `latency.p99`, `resources.cpu_pct.max`, `throughput`, …),
/// without the feature, which the record names apart.
public struct RuleMetric: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    /// PSI of an input feature.
    public static let psi = RuleMetric(rawValue: "psi")
    /// Missing rate of an input feature.
    public static let missingRate = RuleMetric(rawValue: "missing_rate")
    /// (offline − online) accuracy in percentage points.
    public static let accuracyGap = RuleMetric(rawValue: "accuracy.gap_pp")
    /// The fall of throughput below the mean of trailing windows, as a fraction of that mean.
    public static let throughputDrop = RuleMetric(rawValue: "throughput.drop")
}
