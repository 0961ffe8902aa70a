/// How a `DriftProcessor` windows, keys, joins and judges events.
public struct ProcessorSettings: Sendable {
    public var window: WindowSpec
    /// The segment dimensions events carry, in `Event.segment` order.
    public var segmentDimensions: [String]
    /// The key sets results are computed for; each a list of dimension names, `[]` for the
    /// whole-model rollup.
    public var keySets: [[String]]
    /// Watermark = largest event time − this (milliseconds).
    public var outOfOrderness: Int64
    /// Events this far behind the watermark still update (and re-emit) their windows (milliseconds).
    public var allowedLateness: Int64
    /// A partition silent this long (processing time) stops holding the watermark back.
    public var idleTimeout: Int64
    /// Bound of the label join in event time: `label.ts − inference.ts ≤ labelWait` (milliseconds).
    public var labelWait: Int64
    /// At most this many inferences wait for a label; the oldest leave first.
    public var maxPendingLabels: Int
    public var rules: [RuleSpec]
    /// Stamp events with processing time instead of their own timestamps.
    public var processingTime: Bool
    /// A closed window that late events or labels changed is re-emitted when the watermark
    /// crosses a multiple of this interval (milliseconds; the hop unless given). Its result at
    /// the label horizon and its last one before it is dropped are emitted regardless.
    public var reviseEvery: Int64
    /// A key (model, version, segment) with no open window for this long in event time
    /// (milliseconds), and no firing alert, is forgotten: its memory is freed and, should it come
    /// back, its rule streaks start again. Bounds memory when a key dimension (a batch id) keeps
    /// taking new values.
    public var forgetKeysAfter: Int64
    /// An event more than this ahead of the wall clock (milliseconds) is refused as `future`.
    public var maxFuture: Int64
    /// An event more than this ahead of its partition's watermark (milliseconds) is a jump: it does
    /// not move the watermark until `DriftProcessor.jumpConfirmations` records of the partition
    /// agree with it, and is refused as `jump` if one does not.
    public var maxJump: Int64
    /// Whether the watermark follows the wall clock once every input partition has been idle for
    /// `idleTimeout` (off for finite inputs, whose end closes every window).
    public var advancesWhenIdle: Bool
    /// At most this many keys (model, version, segment of a key set; the whole-model rollup
    /// included) are held at once. An event that would add a key past it is not counted in any
    /// window and comes back as `Disposition.keyLimit`; events of keys already held go on.
    public var maxKeys: Int
    /// At most this many features are measured per (model, version): the baseline's, then others
    /// in order of first sight. Values of features past it are counted in
    /// `ProcessorCounters.unmeasuredFeatureValues` and otherwise ignored.
    public var maxFeatures: Int
    /// Whether `ProcessorOutput.counts` carries the counts of each window result emitted (for a
    /// history store's rollups); off, they are dropped once the result is computed.
    public var keepsWindowCounts = false
    /// Whether `ProcessorOutput.ruleStates` reports every change of a rule's state (for a history
    /// store, from which a restarted engine carries on).
    public var reportsRuleStates = false
    /// A model version that triggered retraining does not trigger again until this much event
    /// time (milliseconds) has passed since the end of that trigger's window; 0: no cooldown.
    public var retrainCooldown: Int64 = 0

    public init(
        window: WindowSpec, segmentDimensions: [String] = [], keySets: [[String]] = [[]],
        outOfOrderness: Int64 = 5_000, allowedLateness: Int64 = 0, idleTimeout: Int64 = 30_000,
        labelWait: Int64 = 600_000, maxPendingLabels: Int = 1_000_000, rules: [RuleSpec] = RuleSpec.defaults,
        processingTime: Bool = false, reviseEvery: Int64? = nil, forgetKeysAfter: Int64 = 86_400_000,
        maxFuture: Int64 = 900_000, maxJump: Int64 = 3_600_000, advancesWhenIdle: Bool = true,
        maxKeys: Int = 100_000, maxFeatures: Int = 256
    ) {
        self.window = window
        self.segmentDimensions = segmentDimensions
        self.keySets = keySets
        self.outOfOrderness = outOfOrderness
        self.allowedLateness = allowedLateness
        self.idleTimeout = idleTimeout
        self.labelWait = labelWait
        self.maxPendingLabels = maxPendingLabels
        self.rules = rules
        self.processingTime = processingTime
        self.reviseEvery = reviseEvery ?? window.hop
        self.forgetKeysAfter = forgetKeysAfter
        self.maxFuture = maxFuture
        self.maxJump = maxJump
        self.advancesWhenIdle = advancesWhenIdle
        self.maxKeys = maxKeys
        self.maxFeatures = maxFeatures
    }
}

/// What became of one event handed to a `DriftProcessor`.
public enum Disposition: Equatable, Sendable {
    /// Counted in at least one window (or, for a label, taken as the label stream).
    case accepted
    /// Every window it belongs to is past the allowed lateness: dead-letter it as late.
    case late(String)
    /// Its time is more than `ProcessorSettings.maxFuture` ahead of the wall clock: dead-letter it as future.
    case future(String)
    /// Its time jumped ahead of its partition's: held until the jump is confirmed (then counted)
    /// or refused (then in `ProcessorOutput.refused`). The caller does nothing more with it now.
    case held
    /// It lacks what every key set needs, or names something the processor cannot use.
    case rejected(String)
    /// It would add a key past `ProcessorSettings.maxKeys`: counted in no window.
    case keyLimit(String)
    /// An inference whose (model, version, request_id) was counted already within the label
    /// horizon (labels' wait plus the allowed lateness): the first counts, this one is dead-lettered.
    case duplicate(String)
}

/// Running totals of a `DriftProcessor`, for metrics and the end-of-run report.
public struct ProcessorCounters: Equatable, Sendable {
    public var inferences = 0
    public var labels = 0
    public var resources = 0
    /// Events dead-lettered as later than the allowed lateness.
    public var late = 0
    /// Events dead-lettered for lacking what every key set needs.
    public var rejected = 0
    public var labelsMatched = 0
    /// Labels whose (model, request_id) matched no waiting inference.
    public var labelsUnmatched = 0
    /// Labels that arrived after the bound `label.ts − inference.ts ≤ wait`.
    public var labelsBeyondWait = 0
    /// Labels whose inference's windows had already been dropped.
    public var labelsLate = 0
    /// Inferences whose label never came within the bound.
    public var unlabelled = 0
    /// Inferences that left the label join unlabelled because it was full.
    public var evictedUnlabelled = 0
    /// Feature values that could not be binned: the wrong type for the baseline's feature.
    public var invalidFeatureValues = 0
    public var windowsEmitted = 0
    /// Keys forgotten after `ProcessorSettings.forgetKeysAfter` without an open window.
    public var keysForgotten = 0
    /// Events refused for a time too far ahead of the wall clock.
    public var future = 0
    /// Events whose time jumped ahead of their partition's and that no later record confirmed.
    public var jumpsRefused = 0
    /// Jumps ahead that later records confirmed: the partition's time moved on with them.
    public var jumpsTaken = 0
    /// Events not counted because they would have added a key past `ProcessorSettings.maxKeys`.
    public var keyLimited = 0
    /// Feature values not measured because their (model, version) already measures
    /// `ProcessorSettings.maxFeatures` other features.
    public var unmeasuredFeatureValues = 0
    /// Accuracy judgements skipped because a final window had labels, but fewer than the rule's
    /// `min_labels` (counted per rule and key).
    public var windowsUnjudgedFewLabels = 0
    /// Retraining triggers not emitted because their model version was in its cooldown.
    public var triggersInCooldown = 0
    /// Inferences dead-lettered because their request id was counted already.
    public var duplicates = 0
    /// Inferences of a model version without a baseline: counted and measured, but with no PSI
    /// and no offline accuracy to compare with.
    public var inferencesWithoutBaseline = 0

    public init() {}
}

/// What a `DriftProcessor` produced since it was last drained.
public struct ProcessorOutput: Sendable {
    public var results: [WindowResult] = []
    /// The counts of each entry of `results` (same index) when the settings keep them, else empty.
    public var counts: [WindowCounts] = []
    public var alerts: [Alert] = []
    public var triggers: [RetrainTrigger] = []
    /// Records held back (time jumps) and then refused: the caller dead-letters them.
    public var refused: [RefusedRecord] = []
    /// Rule states changed, oldest first, when the settings report them.
    public var ruleStates: [RuleState] = []
    /// How far rules have judged, when the settings report rule states and it moved.
    public var judgedThrough: JudgedThrough?

    public init() {}

    public var isEmpty: Bool {
        results.isEmpty && alerts.isEmpty && triggers.isEmpty && refused.isEmpty && ruleStates.isEmpty
            && judgedThrough == nil
    }
}

/// A record a `DriftProcessor` held back and then refused, with what the caller needs to dead-letter it.
public struct RefusedRecord: Equatable, Sendable {
    /// The input partition it came from, as the caller numbered it.
    public var partition: Int
    /// Its offset (or line number) in the partition.
    public var offset: Int64
    /// The dead-letter code: `jump`.
    public var code: String
    /// Why it was refused.
    public var reason: String
    /// Its bytes as received.
    public var payload: [UInt8]
    /// The processing time it arrived at.
    public var receivedAt: Int64

    public init(partition: Int, offset: Int64, code: String, reason: String, payload: [UInt8], receivedAt: Int64) {
        self.partition = partition
        self.offset = offset
        self.code = code
        self.reason = reason
        self.payload = payload
        self.receivedAt = receivedAt
    }
}
