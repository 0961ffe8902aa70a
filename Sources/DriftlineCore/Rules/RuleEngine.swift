/// Judges window results against rules and turns transitions into alerts and retraining triggers.
///
/// Stateful per (rule, key, feature): a rule fires after `sustain` consecutive judged windows
/// beyond its threshold and resolves at the first judged window back within its resolve threshold.
/// Windows with fewer samples than a rule's `minSamples` are not judged and do not break a streak.
/// Accuracy rules judge only final windows (label horizon passed); every other rule judges a
/// window when it first closes.
public struct RuleEngine: Sendable {
    /// When in a window's life a judgement happens.
    public enum Phase: Sendable {
        /// The watermark passed the window's end.
        case close
        /// The watermark passed the window's end plus the label wait.
        case labelHorizon
    }

    private struct StateKey: Hashable {
        var rule: Int
        var feature: String?
    }

    private struct State {
        var streak = 0
        var firing = false
    }

    public let rules: [RuleSpec]
    /// Per key id, the state of each (rule, feature) judged for it.
    private var states: [Int: [StateKey: State]] = [:]

    public init(rules: [RuleSpec]) {
        self.rules = rules
    }

    /// Judges `result` of key `keyID` in `phase`; appends transitions to `alerts` and the reasons of
    /// retrain-marked firings to `reasons`.
    public mutating func judge(
        _ result: WindowResult, keyID: Int, phase: Phase, featureSamples: [String: Int], now: Int64,
        alerts: inout [Alert], reasons: inout [RetrainTrigger.Reason]
    ) {
        for (index, rule) in rules.enumerated() where (rule.metric == .accuracyGap) == (phase == .labelHorizon) {
            for (feature, value, samples) in Self.observations(
                of: rule.metric, in: result, featureSamples: featureSamples)
            where samples >= rule.minSamples {
                let stateKey = StateKey(rule: index, feature: feature)
                var state = states[keyID]?[stateKey] ?? State()
                let breach = rule.direction == .above ? value > rule.threshold : value < rule.threshold
                let recovered =
                    rule.direction == .above ? value <= rule.resolveThreshold : value >= rule.resolveThreshold
                var transition: Alert.State?
                if breach {
                    state.streak += 1
                    if !state.firing && state.streak >= rule.sustain {
                        state.firing = true
                        transition = .firing
                    }
                } else {
                    state.streak = 0
                    if state.firing && recovered {
                        state.firing = false
                        transition = .resolved
                    }
                }
                states[keyID, default: [:]][stateKey] = state
                guard let transition else { continue }
                alerts.append(
                    Alert(
                        alertID: Self.alertID(rule: rule.name, result: result, feature: feature), state: transition,
                        severity: rule.severity, rule: rule.name, model: result.model, version: result.version,
                        segment: result.segment, metric: rule.metric, feature: feature, value: value,
                        threshold: rule.threshold, windowStart: result.start, windowEnd: result.end, at: now))
                if transition == .firing && rule.retrain {
                    reasons.append(
                        RetrainTrigger.Reason(
                            rule: rule.name, metric: rule.metric, feature: feature, value: value,
                            threshold: rule.threshold, segment: result.segmentID))
                }
            }
        }
    }

    /// Whether some rule is firing for key `keyID` (its resolution is still to come).
    public func isFiring(keyID: Int) -> Bool {
        states[keyID]?.values.contains { $0.firing } ?? false
    }

    /// Drops the streaks of key `keyID` (it is being forgotten; its id may be reused).
    public mutating func forget(keyID: Int) {
        states[keyID] = nil
    }

    /// `rule/model/version/segment[/feature]`, as the contract defines it.
    public static func alertID(rule: String, result: WindowResult, feature: String?) -> String {
        var id = "\(rule)/\(result.model)/\(result.version)/\(result.segmentID)"
        if let feature { id += "/\(feature)" }
        return id
    }

    /// The values a metric takes in a result: (feature, value, samples), one per feature for
    /// per-feature metrics; none where the metric cannot be computed.
    static func observations(
        of metric: RuleMetric, in result: WindowResult, featureSamples: [String: Int]
    ) -> [(String?, Double, Int)] {
        func resource(_ field: String) -> [(String?, Double, Int)] {
            result.resources.filter { $0.field == field }.map { (nil, $0.mean, $0.samples) }
        }
        switch metric {
        case .psi:
            return (result.psi ?? []).compactMap { metric in
                metric.value.map { (metric.feature, $0, featureSamples[metric.feature] ?? 0) }
            }
        case .missingRate:
            return result.missingRate.compactMap { metric in metric.value.map { (metric.feature, $0, result.count) } }
        case .accuracyGap:
            return result.accuracy.gapPP.map { [(nil, $0, result.accuracy.labelled)] } ?? []
        case .latencyP50: return result.latency.map { [(nil, $0.p50, $0.samples)] } ?? []
        case .latencyP95: return result.latency.map { [(nil, $0.p95, $0.samples)] } ?? []
        case .latencyP99: return result.latency.map { [(nil, $0.p99, $0.samples)] } ?? []
        case .latencyMax: return result.latency.map { [(nil, $0.max, $0.samples)] } ?? []
        case .throughput: return [(nil, result.throughputPerSecond, result.count)]
        case .cpuPctMean: return resource("cpu_pct")
        case .memMBMean: return resource("mem_mb")
        case .gpuPctMean: return resource("gpu_pct")
        case .gpuMemMBMean: return resource("gpu_mem_mb")
        }
    }
}
