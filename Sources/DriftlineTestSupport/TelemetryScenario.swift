import DriftlineCore

/// Everything that shapes a generated telemetry stream, except the seed.
///
/// `TelemetryScenario()` is a sensible plant out of the box: one weld-defect classifier
/// (`weld-defect-cls` 3.2.0) on 3 lines × 4 cameras, 50 inferences per second of event time for
/// one hour from 2026-11-26T00:00:00Z, 10 numeric and 2 categorical features, offline accuracy
/// 0.97, lognormal latency with a p99 near 50 ms, 5% inline labels, 55% delayed labels, and a
/// resource event per host every 10 s. Every property is public so a test knows the ground truth
/// (for example which windows lie after a drift's `startMs`).
public struct TelemetryScenario: Sendable, Equatable {
    /// Event time of the first inference, epoch milliseconds.
    public var startMs: Int64
    /// How many inferences the stream holds.
    public var length: Length
    /// Inferences per second of event time; timestamps advance by `1000 / eventsPerSecond` ms.
    public var eventsPerSecond: Double
    /// Seeded jitter of each inference's timestamp, as a fraction of the interval in [0, 1).
    /// Below 1 the timestamps stay non-decreasing.
    public var jitter: Double
    /// When above 0, each inference's `ts` is moved back by a seeded amount up to this many
    /// milliseconds (never before `startMs`), giving bounded out-of-orderness.
    public var maxOutOfOrderMs: Int64
    /// The models served; each inference picks one uniformly.
    public var models: [Model]
    /// The plant segments inferences come from.
    public var segments: Segments
    /// Numeric input features, each normal with its mean and standard deviation.
    public var numericFeatures: [NumericFeature]
    /// Categorical input features, each drawn with its proportions.
    public var categoricalFeatures: [CategoricalFeature]
    /// The classes, their frequency and the model's offline accuracy.
    public var task: ClassifierTask
    /// The serving latency distribution.
    public var latency: Latency
    /// How ground truth arrives.
    public var labels: LabelPolicy
    /// Host statistics of the serving processes.
    public var resources: Resources
    /// Drift injected into the stream, in order; later episodes override earlier ones for
    /// accuracy and category proportions, feature shifts add up and latency multipliers multiply.
    public var drifts: [DriftEpisode]

    /// 2026-11-26T00:00:00Z in epoch milliseconds.
    public static let defaultStartMs: Int64 =
        Timestamp.daysFromCivil(year: 2026, month: 11, day: 26) * Timestamp.millisecondsPerDay

    /// The default scenario (see the type's documentation).
    public init() {
        startMs = Self.defaultStartMs
        length = .duration(milliseconds: 3_600_000)
        eventsPerSecond = 50
        jitter = 0.5
        maxOutOfOrderMs = 0
        models = [Model(name: "weld-defect-cls", version: "3.2.0")]
        segments = Segments()
        numericFeatures = NumericFeature.weldingDefaults
        categoricalFeatures = CategoricalFeature.weldingDefaults
        task = ClassifierTask()
        latency = Latency()
        labels = LabelPolicy()
        resources = Resources()
        drifts = []
    }

    /// Milliseconds between two inferences of event time.
    public var intervalMs: Double { 1000 / eventsPerSecond }

    /// The exclusive end of the inferences' nominal event time, when the length is a duration.
    public var endMs: Int64? {
        if case .duration(let milliseconds) = length { return startMs + milliseconds }
        return nil
    }

    /// The indices into `drifts` of the episodes in force at `timestampMs` on `line`.
    public func activeDrifts(atMs timestampMs: Int64, line: String) -> [Int] {
        drifts.indices.filter { drifts[$0].isActive(atMs: timestampMs, line: line) }
    }

    /// Checks every parameter and every drift against the scenario's features and lines.
    public func validate() throws(ScenarioError) {
        func require(_ condition: Bool, _ message: String) throws(ScenarioError) {
            if !condition { throw ScenarioError(.invalidParameter, message) }
        }
        try require(eventsPerSecond > 0 && eventsPerSecond.isFinite, "events per second must be above 0")
        try require(jitter >= 0 && jitter < 1, "jitter must be in [0, 1) of the interval")
        try require(maxOutOfOrderMs >= 0, "the out-of-order bound must not be negative")
        switch length {
        case .duration(let milliseconds): try require(milliseconds >= 0, "the duration must not be negative")
        case .inferenceCount(let count): try require(count >= 0, "the event count must not be negative")
        }
        try require(!models.isEmpty, "a scenario needs at least one model")
        try require(!segments.lines.isEmpty && segments.devicesPerLine > 0, "a scenario needs lines and devices")
        try require(segments.batchMinutes > 0, "batches must last at least a minute")
        for feature in numericFeatures {
            try require(
                feature.mean.isFinite && feature.standardDeviation >= 0 && feature.standardDeviation.isFinite,
                "feature \(feature.name) needs a finite mean and a non-negative standard deviation")
        }
        for feature in categoricalFeatures {
            try CategoryShare.validate(feature.categories, of: feature.name)
        }
        try require((0...1).contains(task.defectRate), "the defect rate must be in [0, 1]")
        try require((0...1).contains(task.offlineAccuracy), "the offline accuracy must be in [0, 1]")
        try require(latency.medianMs > 0 && latency.sigma >= 0, "latency needs a positive median and sigma >= 0")
        try require(
            labels.inlineFraction >= 0 && labels.delayedFraction >= 0
                && labels.inlineFraction + labels.delayedFraction <= 1 + 1e-9,
            "label fractions must be non-negative and add up to at most 1")
        try require(
            labels.delayMedianMs >= 0 && labels.delaySigma >= 0 && labels.maxDelayMs >= labels.delayMedianMs,
            "label delays need median >= 0, sigma >= 0 and max >= median")
        try require(resources.intervalMs > 0 || resources.hosts.isEmpty, "the resource interval must be above 0")
        for drift in drifts {
            try drift.validate(against: self)
        }
    }
}
