/// Judges window results against rules and turns transitions into alerts and retraining triggers.
///
/// Stateful per (rule, key, feature): a rule fires after `sustain` consecutive judged windows
/// beyond its threshold and resolves at the first judged window back within its resolve threshold.
/// Windows with fewer samples than a rule's `minSamples` are not judged and do not break a streak.
/// Rules on labels (`accuracy.*`, `labelled`) judge only final windows (label horizon passed);
/// every other rule judges a window when it first closes. A firing alert with a repeat interval
/// is notified again (a `firing` record for the window) once that much event time has passed.
///
/// Started from a `RuleSnapshot`, the engine carries on from the states of an earlier run and does
/// not judge again the windows that run judged; with `reportsStates` it reports every change of a
/// state worth keeping in `changes`, for a store to save.
///
/// Entries sharing a name are one rule: for each key, the entry whose scope matches it with the
/// most constraints judges (the first in file order among equals), so one condition never raises
/// two alerts. The choice is made once per key, so judging costs nothing per event.
public struct RuleEngine: Sendable {
    /// When in a window's life a judgement happens.
    public enum Phase: Sendable {
        /// The watermark passed the window's end.
        case close
        /// The watermark passed the window's end plus the label wait.
        case labelHorizon
    }

    private struct StateKey: Hashable {
        var group: Int
        var feature: String?
    }

    /// Where one alert stands: what a judged window changes.
    private struct Lifecycle {
        var streak = 0
        var firing = false
        /// The latest windows of the current streak, at most the rule's `sustain`.
        var evidence: [RuleState.Window] = []
        /// Start of the first window of the streak that made the alert pending or firing.
        var since: Int64?
        /// End of the window of the latest firing notification.
        var notified: Int64?

        var status: RuleState.Status { firing ? .firing : streak > 0 ? .pending : .inactive }
    }

    private struct State {
        var life = Lifecycle()
        /// The raw values of the last judged windows, for `dropVsTrailing`.
        var trailing: [Double] = []
        /// The latest judged windows late data may still revise, oldest first, and the lifecycle
        /// before the oldest of them: a revision replays them from there.
        var revisable: [RuleState.Window] = []
        var beforeRevisable = Lifecycle()

        init() {}

        init(_ restored: RuleState) {
            life = Lifecycle(
                streak: restored.streak, firing: restored.status == .firing, evidence: restored.evidence,
                since: restored.since, notified: restored.notified)
            trailing = restored.trailing
            beforeRevisable = life
        }

        var isIdle: Bool { life.streak == 0 && !life.firing && trailing.isEmpty }
    }

    public let rules: [RuleSpec]
    /// The indices of `rules` sharing each name, names in order of first appearance.
    private let groups: [[Int]]
    /// Per key id, the state of each (rule, feature) judged for it.
    private var states: [Int: [StateKey: State]] = [:]
    /// Per key id, the entry of each group that judges it (`nil`: no entry's scope matches).
    private var selections: [Int: [Int?]] = [:]
    /// Accuracy judgements skipped because a final window had labels, but fewer than the rule's `minSamples`.
    public private(set) var unjudgedFewLabels = 0
    /// States of an earlier run not yet taken up, by alert id.
    private var restored: [String: RuleState]
    /// How far the earlier run judged: windows up to there are not judged again.
    private let restoredThrough: JudgedThrough
    /// How far this engine has judged, the earlier run included.
    public private(set) var judgedThrough: JudgedThrough
    private let reportsStates: Bool
    /// How many of its latest judged windows each state keeps for revisions.
    private let revisableWindows: Int
    /// The states changed since `takeChanges`, when `reportsStates`.
    private var changes: [RuleState] = []

    /// An engine judging `rules`, carrying on from `snapshot`; `reportsStates` collects every change
    /// of state for `takeChanges`. Each state keeps its latest `revisableWindows` judged windows, so
    /// that a revision of one of them (late data) judges it again (`revise`); 0 keeps none.
    public init(
        rules: [RuleSpec], restoring snapshot: RuleSnapshot = RuleSnapshot(), reportsStates: Bool = false,
        revisableWindows: Int = 0
    ) {
        self.rules = rules
        self.revisableWindows = revisableWindows
        restored = Dictionary(snapshot.states.map { ($0.alertID, $0) }, uniquingKeysWith: { $1 })
        restoredThrough = snapshot.judgedThrough
        judgedThrough = snapshot.judgedThrough
        self.reportsStates = reportsStates
        var groups: [[Int]] = []
        var groupOfName: [String: Int] = [:]
        for (index, rule) in rules.enumerated() {
            if let group = groupOfName[rule.name] {
                groups[group].append(index)
            } else {
                groupOfName[rule.name] = groups.count
                groups.append([index])
            }
        }
        self.groups = groups
    }

    /// Judges `result` of key `keyID` in `phase`; appends transitions to `alerts` and the reasons of
    /// retrain-marked firings to `reasons`.
    public mutating func judge(
        _ result: WindowResult, keyID: Int, phase: Phase, featureSamples: [String: Int], now: Int64,
        alerts: inout [Alert], reasons: inout [RetrainTrigger.Reason]
    ) {
        switch phase {
        case .close:
            guard result.end > restoredThrough.closed else { return }
            judgedThrough.closed = max(judgedThrough.closed, result.end)
        case .labelHorizon:
            guard result.end > restoredThrough.labelled else { return }
            judgedThrough.labelled = max(judgedThrough.labelled, result.end)
        }
        let selection = selection(for: keyID, result: result)
        for (group, selected) in selection.enumerated() {
            guard let selected else { continue }
            let rule = rules[selected]
            guard rule.metric.readsLabels == (phase == .labelHorizon) else { continue }
            for (feature, raw, samples) in Self.observations(
                of: rule.metric, in: result, featureSamples: featureSamples)
            {
                guard samples >= rule.minSamples else {
                    if rule.metric.isAccuracy && samples > 0 { unjudgedFewLabels += 1 }
                    continue
                }
                let stateKey = StateKey(group: group, feature: feature)
                var alertID: String?
                var state: State
                if let existing = states[keyID]?[stateKey] {
                    state = existing
                } else if !restored.isEmpty {
                    let id = Self.alertID(rule: rule.name, result: result, feature: feature)
                    alertID = id
                    state = restored.removeValue(forKey: id).map(State.init) ?? State()
                } else {
                    state = State()
                }
                let wasIdle = state.isIdle
                let judged = Self.judgedValue(of: rule, raw: raw, result: result, trailing: &state.trailing)
                guard let value = judged else {
                    states[keyID, default: [:]][stateKey] = state
                    continue
                }
                let window = RuleState.Window(start: result.start, end: result.end, value: value)
                var transition = Self.step(&state.life, rule: rule, window: window)
                if revisableWindows > 0 && rule.dropVsTrailing == nil {
                    state.revisable.append(window)
                    if state.revisable.count > revisableWindows {
                        _ = Self.step(&state.beforeRevisable, rule: rule, window: state.revisable.removeFirst())
                    }
                }
                // A repeat notification of a firing alert: a record again, never a second trigger.
                var isRepeat = false
                if transition == nil, state.life.firing, let every = rule.repeatInterval,
                    let notified = state.life.notified, result.end - notified >= every
                {
                    transition = .firing
                    isRepeat = true
                    state.life.notified = result.end
                }
                states[keyID, default: [:]][stateKey] = state
                record(
                    state, wasIdle: wasIdle, transition: transition, retrains: !isRepeat, rule: rule, window: window,
                    result: result, feature: feature, alertID: alertID, now: now, alerts: &alerts, reasons: &reasons)
            }
        }
    }

    /// Judges again a revision of a window judged in `phase` (late data changed it): when the
    /// window is among the latest a state keeps, its streak is replayed with the revised value,
    /// and an alert whose firing changes makes the transition now, in this window. Windows older
    /// than those kept, drop rules and windows with too few samples keep their first judgement.
    public mutating func revise(
        _ result: WindowResult, keyID: Int, phase: Phase, featureSamples: [String: Int], now: Int64,
        alerts: inout [Alert], reasons: inout [RetrainTrigger.Reason]
    ) {
        guard revisableWindows > 0, let selection = selections[keyID] else { return }
        for (group, selected) in selection.enumerated() {
            guard let selected else { continue }
            let rule = rules[selected]
            guard rule.metric.readsLabels == (phase == .labelHorizon), rule.dropVsTrailing == nil else { continue }
            for (feature, raw, samples) in Self.observations(
                of: rule.metric, in: result, featureSamples: featureSamples)
            where samples >= rule.minSamples {
                let stateKey = StateKey(group: group, feature: feature)
                var noTrailing: [Double] = []
                guard var state = states[keyID]?[stateKey],
                    let index = state.revisable.firstIndex(where: { $0.start == result.start }),
                    let value = Self.judgedValue(of: rule, raw: raw, result: result, trailing: &noTrailing),
                    value != state.revisable[index].value
                else { continue }
                let wasIdle = state.isIdle
                state.revisable[index].value = value
                var life = state.beforeRevisable
                for window in state.revisable { _ = Self.step(&life, rule: rule, window: window) }
                let wasFiring = state.life.firing
                if life.firing && wasFiring { life.notified = state.life.notified }
                state.life = life
                states[keyID, default: [:]][stateKey] = state
                let transition: Alert.State? = life.firing == wasFiring ? nil : life.firing ? .firing : .resolved
                record(
                    state, wasIdle: wasIdle, transition: transition, retrains: true, rule: rule,
                    window: state.revisable[index], result: result, feature: feature, alertID: nil, now: now,
                    alerts: &alerts, reasons: &reasons)
            }
        }
    }

    /// Reports a judged state (when states are reported) and the transition it made, with the
    /// retraining reason of a firing transition of a `retrain` rule when `retrains`.
    private mutating func record(
        _ state: State, wasIdle: Bool, transition: Alert.State?, retrains: Bool, rule: RuleSpec,
        window: RuleState.Window, result: WindowResult, feature: String?, alertID: String?, now: Int64,
        alerts: inout [Alert], reasons: inout [RetrainTrigger.Reason]
    ) {
        var alertID = alertID
        if reportsStates && !(wasIdle && state.isIdle) {
            let id = alertID ?? Self.alertID(rule: rule.name, result: result, feature: feature)
            alertID = id
            changes.append(
                RuleState(
                    alertID: id, rule: rule.name, model: result.model, version: result.version,
                    segment: result.segmentID, feature: feature, severity: rule.severity, status: state.life.status,
                    streak: state.life.streak, value: window.value, threshold: rule.threshold,
                    since: state.life.since, lastWindowEnd: result.end, notified: state.life.notified,
                    trailing: state.trailing, evidence: state.life.evidence))
        }
        guard let transition else { return }
        alerts.append(
            Alert(
                alertID: alertID ?? Self.alertID(rule: rule.name, result: result, feature: feature),
                state: transition, severity: rule.severity, rule: rule.name, model: result.model,
                version: result.version, segment: result.segment, metric: rule.alertMetric, feature: feature,
                value: window.value, threshold: rule.threshold, windowStart: result.start, windowEnd: result.end,
                at: now))
        if transition == .firing && rule.retrain && retrains {
            reasons.append(
                RetrainTrigger.Reason(
                    rule: rule.name, metric: rule.alertMetric, feature: feature, value: window.value,
                    threshold: rule.threshold, segment: result.segmentID, windows: state.life.evidence))
        }
    }

    /// Moves `state` by one judged window: returns `.firing` when the streak reaches the rule's
    /// `sustain`, `.resolved` when a firing alert's value is back within the resolve threshold.
    private static func step(_ state: inout Lifecycle, rule: RuleSpec, window: RuleState.Window) -> Alert.State? {
        if rule.op.holds(window.value, rule.threshold) {
            state.streak += 1
            if state.streak == 1 && !state.firing { state.since = window.start }
            state.evidence.append(window)
            if state.evidence.count > rule.sustain { state.evidence.removeFirst(state.evidence.count - rule.sustain) }
            guard !state.firing && state.streak >= rule.sustain else { return nil }
            state.firing = true
            state.notified = window.end
            return .firing
        }
        state.streak = 0
        state.evidence.removeAll()
        if state.firing && !rule.op.holds(window.value, rule.resolveThreshold) {
            state.firing = false
            state.since = nil
            state.notified = nil
            return .resolved
        }
        if !state.firing { state.since = nil }
        return nil
    }

    /// The states changed since the last call (oldest first), when the engine reports states.
    public mutating func takeChanges() -> [RuleState] {
        defer { changes.removeAll(keepingCapacity: true) }
        return changes
    }

    /// Whether some rule is firing for key `keyID` (its resolution is still to come).
    public func isFiring(keyID: Int) -> Bool {
        states[keyID]?.values.contains { $0.life.firing } ?? false
    }

    /// Drops the streaks of key `keyID` (it is being forgotten; its id may be reused).
    public mutating func forget(keyID: Int) {
        states[keyID] = nil
        selections[keyID] = nil
    }

    /// `rule/model/version/segment[/feature]`, as the contract defines it.
    public static func alertID(rule: String, result: WindowResult, feature: String?) -> String {
        var id = "\(rule)/\(result.model)/\(result.version)/\(result.segmentID)"
        if let feature { id += "/\(feature)" }
        return id
    }

    /// The entry of each group that judges the key of `result`, chosen once per key.
    private mutating func selection(for keyID: Int, result: WindowResult) -> [Int?] {
        if let selection = selections[keyID] { return selection }
        let selection = groups.map { entries in
            Self.entry(
                among: entries.map { rules[$0].scope }, model: result.model, version: result.version,
                segment: result.segment
            ).map { entries[$0] }
        }
        selections[keyID] = selection
        return selection
    }

    /// The index in `scopes` of the one judging a key: the matching scope with the most constraints,
    /// the first among equals.
    public static func entry(
        among scopes: [RuleScope], model: String, version: String, segment: [SegmentValue]
    )
        -> Int?
    {
        var best: Int?
        for (index, scope) in scopes.enumerated()
        where scope.matches(model: model, version: version, segment: segment)
            && scope.specificity > (best.map { scopes[$0].specificity } ?? -1)
        {
            best = index
        }
        return best
    }

    /// The value a rule compares with its threshold: the raw value, its drop below the trailing mean,
    /// or the confidence bound of an accuracy; `nil` when the window cannot be judged yet (too few
    /// trailing windows).
    static func judgedValue(
        of rule: RuleSpec, raw: Double, result: WindowResult, trailing: inout [Double]
    )
        -> Double?
    {
        if let windows = rule.dropVsTrailing {
            defer {
                trailing.append(raw)
                if trailing.count > windows { trailing.removeFirst(trailing.count - windows) }
            }
            guard trailing.count == windows else { return nil }
            let mean = trailing.reduce(0, +) / Double(windows)
            return mean > 0 ? 1 - raw / mean : nil
        }
        guard let confidence = rule.confidence, rule.metric.isAccuracy,
            let online = result.accuracy.online
        else { return raw }
        let n = result.accuracy.labelled
        // The bound least likely to breach: a gap rises as online accuracy falls.
        let upwardOnline = (rule.metric == .accuracyOnline) == rule.op.isUpward
        let bound =
            upwardOnline
            ? ConfidenceBound.wilsonLower(online, n: n, confidence: confidence)
            : ConfidenceBound.wilsonUpper(online, n: n, confidence: confidence)
        guard rule.metric == .accuracyGap else { return bound }
        guard let offline = result.accuracy.offline else { return nil }
        return (offline - bound) * 100
    }

    /// The values a selector takes in a result: (feature, value, samples), one per feature for
    /// per-feature selectors; none where the metric cannot be computed.
    static func observations(
        of metric: MetricSelector, in result: WindowResult, featureSamples: [String: Int]
    ) -> [(String?, Double, Int)] {
        func wanted(_ feature: String, _ features: MetricSelector.Features) -> Bool {
            switch features {
            case .all: true
            case .named(let name): name == feature
            }
        }
        switch metric {
        case .psi(let features):
            return (result.psi ?? []).compactMap { metric in
                guard wanted(metric.feature, features) else { return nil }
                return metric.value.map { (metric.feature, $0, featureSamples[metric.feature] ?? 0) }
            }
        case .missingRate(let features):
            return result.missingRate.compactMap { metric in
                guard wanted(metric.feature, features) else { return nil }
                return metric.value.map { (metric.feature, $0, result.count) }
            }
        case .accuracyGap:
            return result.accuracy.gapPP.map { [(nil, $0, result.accuracy.labelled)] } ?? []
        case .accuracyOnline:
            return result.accuracy.online.map { [(nil, $0, result.accuracy.labelled)] } ?? []
        case .labelled:
            return [(nil, Double(result.accuracy.labelled), result.count)]
        case .latency(let statistic):
            guard let latency = result.latency else { return [] }
            let value: Double =
                switch statistic {
                case .p50: latency.p50
                case .p90: latency.p90
                case .p95: latency.p95
                case .p99: latency.p99
                case .p999: latency.p999
                case .max: latency.max
                }
            return [(nil, value, latency.samples)]
        case .resource(let field, let statistic):
            return result.resources.filter { $0.field == field.rawValue }.map { stat in
                let value: Double =
                    switch statistic {
                    case .mean: stat.mean
                    case .max: stat.max
                    case .p95: stat.p95
                    }
                return (nil, value, stat.samples)
            }
        case .throughput:
            return [(nil, result.throughputPerSecond, result.count)]
        }
    }
}
