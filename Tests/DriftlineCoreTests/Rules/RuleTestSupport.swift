import DriftlineCore

/// Window results and a rule engine driven one window at a time, for the rule tests.
struct RuleBench {
    var engine: RuleEngine
    private(set) var alerts: [Alert] = []
    private(set) var reasons: [RetrainTrigger.Reason] = []
    static let minute: Int64 = 60_000

    init(
        _ rules: [RuleSpec], restoring snapshot: RuleSnapshot = RuleSnapshot(), reportsStates: Bool = false,
        revisableWindows: Int = 0
    ) {
        engine = RuleEngine(
            rules: rules, restoring: snapshot, reportsStates: reportsStates, revisableWindows: revisableWindows)
    }

    /// Judges `result` as key `keyID` in the phase its rules need (close, then the label horizon).
    mutating func judge(_ result: WindowResult, keyID: Int = 0, featureSamples: [String: Int] = [:]) {
        for phase in [RuleEngine.Phase.close, .labelHorizon] {
            engine.judge(
                result, keyID: keyID, phase: phase, featureSamples: featureSamples, now: result.end,
                alerts: &alerts, reasons: &reasons)
        }
    }

    /// Judges `result` again as a revision of a window judged before, in both phases.
    mutating func revise(_ result: WindowResult, keyID: Int = 0, featureSamples: [String: Int] = [:]) {
        for phase in [RuleEngine.Phase.close, .labelHorizon] {
            engine.revise(
                result, keyID: keyID, phase: phase, featureSamples: featureSamples, now: result.end,
                alerts: &alerts, reasons: &reasons)
        }
    }

    /// (window index, state) of every transition so far.
    var transitions: [(Int, Alert.State)] {
        alerts.map { (Int($0.windowStart / Self.minute), $0.state) }
    }

    /// The window `index` (one minute each) of model `model`, with the metrics given; the rest empty.
    static func result(
        _ index: Int, model: String = "m", version: String = "1", segment: [SegmentValue] = [], count: Int = 1_000,
        psi: [(String, Double)] = [], missing: [(String, Double)] = [], online: Double? = nil,
        offline: Double? = 0.95, labelled: Int = 0, latency: LatencyResult? = nil, throughput: Double = 10,
        resources: [ResourceStat] = []
    ) -> WindowResult {
        let gap = online.flatMap { online in offline.map { ($0 - online) * 100 } }
        return WindowResult(
            model: model, version: version, segment: segment, revision: 0, start: Int64(index) * minute,
            end: Int64(index + 1) * minute, count: count,
            psi: psi.map { FeatureMetric(feature: $0.0, value: $0.1) },
            missingRate: missing.map { FeatureMetric(feature: $0.0, value: $0.1) },
            accuracy: AccuracyResult(
                online: online, offline: offline, gapPP: gap, labelled: labelled, final: true),
            latency: latency, throughputPerSecond: throughput, resources: resources, resourcesByHost: [])
    }

    /// A latency result whose every percentile is `value`.
    static func latency(_ value: Double, samples: Int = 100) -> LatencyResult {
        LatencyResult(p50: value, p90: value, p95: value, p99: value, p999: value, max: value, samples: samples)
    }

    /// The transitions the lifecycle must make on `values`, worked out step by step apart from the
    /// engine: fire on the `sustain`-th consecutive value above `threshold`, resolve at the first
    /// value at or below `resolve` while firing.
    static func expectedTransitions(
        _ values: [Double], threshold: Double, resolve: Double, sustain: Int
    ) -> [(Int, Alert.State)] {
        var streak = 0
        var firing = false
        var out: [(Int, Alert.State)] = []
        for (index, value) in values.enumerated() {
            if value > threshold {
                streak += 1
                if !firing && streak == sustain {
                    firing = true
                    out.append((index, .firing))
                }
            } else {
                streak = 0
                if firing && value <= resolve {
                    firing = false
                    out.append((index, .resolved))
                }
            }
        }
        return out
    }
}
