/// A firing or resolved transition of a rule for one key (and feature, for per-feature rules).
public struct Alert: Equatable, Sendable {
    /// Whether a condition started or ended.
    public enum State: String, Equatable, Sendable {
        case firing
        case resolved
    }

    /// `rule/model/version/segment[/feature]`: the same condition always has the same id.
    public var alertID: String
    public var state: State
    public var severity: String
    public var rule: String
    public var model: String
    public var version: String
    public var segment: [SegmentValue]
    public var metric: RuleMetric
    public var feature: String?
    /// The metric's value in the window that made the transition.
    public var value: Double
    public var threshold: Double
    public var windowStart: Int64
    public var windowEnd: Int64
    /// Processing time of the transition, epoch milliseconds.
    public var at: Int64

    public init(
        alertID: String, state: State, severity: String, rule: String, model: String, version: String,
        segment: [SegmentValue], metric: RuleMetric, feature: String?, value: Double, threshold: Double,
        windowStart: Int64, windowEnd: Int64, at: Int64
    ) {
        self.alertID = alertID
        self.state = state
        self.severity = severity
        self.rule = rule
        self.model = model
        self.version = version
        self.segment = segment
        self.metric = metric
        self.feature = feature
        self.value = value
        self.threshold = threshold
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.at = at
    }
}
