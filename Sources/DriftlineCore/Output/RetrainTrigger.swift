/// A request to start the model update process, made when rules marked `retrain` fire.
public struct RetrainTrigger: Equatable, Sendable {
    /// Why: one entry per firing rule (and feature).
    public struct Reason: Equatable, Sendable {
        public var rule: String
        public var metric: RuleMetric
        public var feature: String?
        public var value: Double
        public var threshold: Double
        /// The key's segment in `alert_id` form.
        public var segment: String
        /// The evidence: the windows of the streak that fired, with the value judged in each.
        public var windows: [RuleState.Window]

        public init(
            rule: String, metric: RuleMetric, feature: String?, value: Double, threshold: Double, segment: String,
            windows: [RuleState.Window] = []
        ) {
            self.rule = rule
            self.metric = metric
            self.feature = feature
            self.value = value
            self.threshold = threshold
            self.segment = segment
            self.windows = windows
        }
    }

    /// `model/version/window-end` (RFC 3339); `/labelled` is appended for triggers judged at the label horizon.
    public var triggerID: String
    public var model: String
    public var version: String
    public var reasons: [Reason]
    public var windowStart: Int64
    public var windowEnd: Int64
    public var at: Int64
    /// The task of the baseline the windows were judged against (`nil`: no baseline).
    public var task: ModelTask?
    /// The baseline's offline test accuracy (classifiers).
    public var offlineAccuracy: Double?

    public init(
        triggerID: String, model: String, version: String, reasons: [Reason], windowStart: Int64, windowEnd: Int64,
        at: Int64, task: ModelTask? = nil, offlineAccuracy: Double? = nil
    ) {
        self.triggerID = triggerID
        self.model = model
        self.version = version
        self.reasons = reasons
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.at = at
        self.task = task
        self.offlineAccuracy = offlineAccuracy
    }
}
