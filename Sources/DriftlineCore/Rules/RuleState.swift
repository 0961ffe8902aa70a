/// Where one rule stands for one key (and feature): the lifecycle of its alert and what a restart
/// needs to carry on where the last run stopped.
///
/// A `RuleEngine` reports a state each time a judgement changes it, and can start from the
/// states of a `RuleSnapshot`: a restarted engine neither fires an alert again nor forgets one.
public struct RuleState: Equatable, Sendable {
    /// Where the alert of a rule and key stands.
    public enum Status: String, Equatable, Sendable {
        /// Within the threshold; nothing to remember but, for drop rules, the trailing windows.
        case inactive
        /// Beyond the threshold for fewer consecutive windows than the rule's `for`.
        case pending
        /// Fired and not yet resolved.
        case firing
    }

    /// A judged window and the value judged in it.
    public struct Window: Equatable, Sendable, Codable {
        public var start: Int64
        public var end: Int64
        public var value: Double

        public init(start: Int64, end: Int64, value: Double) {
            self.start = start
            self.end = end
            self.value = value
        }
    }

    /// The alert's id, `rule/model/version/segment[/feature]`: what a state is restored by.
    public var alertID: String
    public var rule: String
    public var model: String
    public var version: String
    /// The key's segment in `alert_id` form (`line=L1`, `_all`).
    public var segment: String
    public var feature: String?
    public var severity: String
    public var status: Status
    /// Consecutive judged windows beyond the threshold.
    public var streak: Int
    /// The value judged in the latest window, and the threshold it was compared with.
    public var value: Double
    public var threshold: Double
    /// Start of the first window of the streak that made the alert pending or firing.
    public var since: Int64?
    /// End of the latest judged window.
    public var lastWindowEnd: Int64
    /// End of the window of the latest firing notification (the transition or a repeat).
    public var notified: Int64?
    /// The latest raw values, for rules judging a drop below the trailing mean.
    public var trailing: [Double]
    /// The latest windows of the streak beyond the threshold (at most the rule's `for`): the
    /// evidence a retraining trigger carries.
    public var evidence: [Window]

    public init(
        alertID: String, rule: String, model: String, version: String, segment: String, feature: String?,
        severity: String, status: Status, streak: Int, value: Double, threshold: Double, since: Int64?,
        lastWindowEnd: Int64, notified: Int64?, trailing: [Double], evidence: [Window]
    ) {
        self.alertID = alertID
        self.rule = rule
        self.model = model
        self.version = version
        self.segment = segment
        self.feature = feature
        self.severity = severity
        self.status = status
        self.streak = streak
        self.value = value
        self.threshold = threshold
        self.since = since
        self.lastWindowEnd = lastWindowEnd
        self.notified = notified
        self.trailing = trailing
        self.evidence = evidence
    }

    /// Whether a store must keep the state: it is pending or firing, or remembers trailing values.
    public var isWorthKeeping: Bool { status != .inactive || !trailing.isEmpty }
}

/// How far rules have judged: windows up to these ends were judged at their close and at their
/// label horizon. A restarted engine re-reading records it processed before does not judge those
/// windows again, so their streaks are not counted twice.
public struct JudgedThrough: Equatable, Sendable {
    /// The latest window end judged when its window closed (`Int64.min`: none).
    public var closed: Int64
    /// The latest window end judged at its label horizon (`Int64.min`: none).
    public var labelled: Int64

    public init(closed: Int64 = .min, labelled: Int64 = .min) {
        self.closed = closed
        self.labelled = labelled
    }

    /// The later of each bound.
    public func merged(with other: JudgedThrough) -> JudgedThrough {
        JudgedThrough(closed: max(closed, other.closed), labelled: max(labelled, other.labelled))
    }
}

/// What a restarted engine starts its rules from: the states worth keeping, how far rules judged,
/// and when each model version last triggered retraining (for the cooldown).
public struct RuleSnapshot: Equatable, Sendable {
    public var states: [RuleState]
    public var judgedThrough: JudgedThrough
    /// Per `model/version`, the window end of its latest retraining trigger.
    public var lastTriggers: [String: Int64]

    public init(
        states: [RuleState] = [], judgedThrough: JudgedThrough = JudgedThrough(), lastTriggers: [String: Int64] = [:]
    ) {
        self.states = states
        self.judgedThrough = judgedThrough
        self.lastTriggers = lastTriggers
    }
}
