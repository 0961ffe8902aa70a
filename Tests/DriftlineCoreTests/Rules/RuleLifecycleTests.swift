import DriftlineCore
import Testing

/// The life of one alert: `for`, hysteresis, resolution, `min_labels`, the confidence bound, the
/// trailing drop and scopes, judged by the engine one window at a time.
@Suite struct RuleLifecycleTests {
    typealias B = RuleBench

    @Test func forNWindowsFiresOnTheNthConsecutiveBreachAndABreakStartsAgain() {
        let rule = RuleSpec(name: "slow", metric: .latency(.p99), threshold: 100, sustain: 3)
        var bench = B([rule])
        let values: [Double] = [150, 150, 90, 150, 150, 150, 150, 80, 150]
        for (index, value) in values.enumerated() { bench.judge(B.result(index, latency: B.latency(value))) }
        // Breaches at 0, 1 (broken at 2), then 3, 4, 5: the third consecutive is window 5; 7 resolves.
        #expect(bench.transitions.map(\.0) == [5, 7])
        #expect(bench.transitions.map(\.1) == [.firing, .resolved])
        #expect(bench.alerts[0].value == 150 && bench.alerts[0].threshold == 100)
        #expect(bench.alerts[0].metric.rawValue == "latency.p99")
        #expect(bench.alerts[0].alertID == "slow/m/1/_all")
    }

    /// A metric that wanders around its threshold: without hysteresis the alert flaps with the
    /// noise, with `resolve_threshold` it fires once and resolves only when the metric really falls.
    @Test(arguments: [1, 2, 3])
    func hysteresisHoldsANoisyMetricAroundTheThresholdFiring(sustain: Int) {
        var random = SeededRandom(seed: UInt64(40 + sustain))
        // 60 windows of 100 ± 5, then 10 windows of 80 ± 5.
        let values = (0..<70).map { index in
            (index < 60 ? 100.0 : 80.0) + Double.random(in: -5...5, using: &random)
        }
        for resolve in [100.0, 90] {
            let rule = RuleSpec(
                name: "slow", metric: .latency(.p99), threshold: 100, resolveThreshold: resolve, sustain: sustain)
            var bench = B([rule])
            for (index, value) in values.enumerated() { bench.judge(B.result(index, latency: B.latency(value))) }
            let expected = B.expectedTransitions(values, threshold: 100, resolve: resolve, sustain: sustain)
            #expect(bench.transitions.map(\.0) == expected.map(\.0))
            #expect(bench.transitions.map(\.1) == expected.map(\.1))
            if resolve == 90 {
                // Once firing it holds through the noise (never at or below 90 before window 60) and
                // resolves at the first window of the fall.
                #expect(expected.count == 2)
                #expect(expected[1].0 == values.indices.first { $0 >= 60 && values[$0] <= 90 })
            } else {
                #expect(expected.count > 2, "the noise should make an alert without hysteresis flap")
            }
        }
    }

    @Test func comparisonsAtAndBeyondTheThreshold() {
        for (op, fires) in [
            (RuleComparison.greater, false), (.greaterOrEqual, true), (.less, false), (.lessOrEqual, true),
        ] {
            var bench = B([RuleSpec(name: "r", metric: .throughput, op: op, threshold: 10)])
            bench.judge(B.result(0, throughput: 10))
            #expect(bench.alerts.isEmpty != fires, "\(op)")
        }
        // `<`: fires below, resolves at or above the resolve threshold.
        var bench = B([RuleSpec(name: "r", metric: .throughput, op: .less, threshold: 2, resolveThreshold: 3)])
        for (index, value) in [1.0, 2.5, 2.9, 3, 1].enumerated() { bench.judge(B.result(index, throughput: value)) }
        #expect(bench.transitions.map(\.0) == [0, 3, 4])
    }

    /// The default `accuracy_gap`: windows with fewer than 200 labels are not judged, neither
    /// breaching nor breaking the streak, and the engine counts them.
    @Test func accuracyWindowsWithFewerLabelsThanMinLabelsAreNotJudged() {
        var bench = B(RuleSpec.defaults)
        // gap 10 pp in every window; labels 250, 150, 250, 199, 250 → judged: 0, 2, 4.
        for (index, labelled) in [250, 150, 250, 199, 250].enumerated() {
            bench.judge(B.result(index, online: 0.85, labelled: labelled))
        }
        #expect(bench.transitions.map(\.0) == [4])
        #expect(bench.engine.unjudgedFewLabels == 2)
        // A window without labels has no accuracy at all: not counted as too few.
        bench.judge(B.result(5, online: nil, labelled: 0))
        #expect(bench.engine.unjudgedFewLabels == 2)
        // min_labels 0 judges every labelled window.
        var all = B([RuleSpec(name: "gap", metric: .accuracyGap, threshold: 3, sustain: 2, minSamples: 0)])
        all.judge(B.result(0, online: 0.85, labelled: 10))
        all.judge(B.result(1, online: 0.85, labelled: 10))
        #expect(all.transitions.map(\.0) == [1])
    }

    /// `confidence: 0.95` judges offline − the one-sided 95 % Wilson upper bound of online
    /// accuracy. Bounds from the Wilson formula with scipy's `norm.ppf(0.95)` (see ConfidenceBoundTests).
    @Test func theConfidenceBoundJudgesTheOptimisticOnlineAccuracy() throws {
        let rule = RuleSpec(name: "gap", metric: .accuracyGap, threshold: 3, minSamples: 200, confidence: 0.95)
        var bench = B([rule])
        // 180 of 200 right: the point gap is 5 pp, but the upper bound 0.9297288977216682 leaves 2.03 pp.
        bench.judge(B.result(0, online: 0.9, labelled: 200))
        #expect(bench.alerts.isEmpty)
        // 170 of 200: upper bound 0.8868445864811628 → 6.315541351883713 pp.
        bench.judge(B.result(1, online: 0.85, labelled: 200))
        let alert = try #require(bench.alerts.first)
        #expect(alert.state == .firing)
        #expect(abs(alert.value - 6.315541351883713) < 1e-9)
        #expect(alert.metric.rawValue == "accuracy.gap_pp")
        // 190 of 200: upper 0.9698793883289113 is above offline: a gap of −1.99 pp resolves it.
        bench.judge(B.result(2, online: 0.95, labelled: 200))
        #expect(bench.transitions.map(\.1) == [.firing, .resolved])
        #expect(abs(bench.alerts[1].value - (0.95 - 0.9698793883289113) * 100) < 1e-9)

        // accuracy.online < 0.9 judges the same upper bound: 170/200 is below 0.9 even optimistically.
        var online = B([
            RuleSpec(name: "low", metric: .accuracyOnline, op: .less, threshold: 0.9, minSamples: 0, confidence: 0.95)
        ])
        online.judge(B.result(0, online: 0.87, labelled: 200))  // upper bound of 174/200 is above 0.9
        online.judge(B.result(1, online: 0.85, labelled: 200))
        #expect(online.transitions.map(\.0) == [1])
        #expect(abs(online.alerts[0].value - 0.8868445864811628) < 1e-9)
    }

    /// `drop_vs_trailing: 3`: `1 − value / mean of the 3 judged windows before`; the first three
    /// windows have no trailing mean and are not judged.
    @Test func aThroughputDropIsJudgedAgainstTheTrailingMean() {
        let rule = RuleSpec(name: "drop", metric: .throughput, threshold: 0.5, dropVsTrailing: 3)
        var bench = B([rule])
        for (index, value) in [10.0, 10, 10, 10, 4, 4, 4, 4].enumerated() {
            bench.judge(B.result(index, throughput: value))
        }
        // Window 4: 1 − 4/10 = 0.6 > 0.5 fires; window 5: 1 − 4/8 = 0.5, back at the threshold, resolves.
        #expect(bench.transitions.map(\.0) == [4, 5])
        #expect(abs(bench.alerts[0].value - 0.6) < 1e-12)
        #expect(abs(bench.alerts[1].value - 0.5) < 1e-12)
        #expect(bench.alerts[0].metric == .throughputDrop)
    }

    @Test func aScopedEntryOverridesTheUnscopedOneForItsKeysOnly() {
        let base = RuleSpec.defaults[0]
        var paint = base
        paint.scope = RuleScope(models: ["paint"])
        paint.threshold = 0.4
        paint.resolveThreshold = 0.4
        var lineOne = base
        lineOne.scope = RuleScope(models: ["paint"], segment: ["line": ["L1"]])
        lineOne.threshold = 0.6
        lineOne.resolveThreshold = 0.6
        var bench = B([base, paint, lineOne])
        let samples = ["x": 1_000]
        let l1 = [SegmentValue(name: "line", value: "L1")]
        let l2 = [SegmentValue(name: "line", value: "L2")]
        bench.judge(B.result(0, model: "weld", psi: [("x", 0.3)]), keyID: 0, featureSamples: samples)
        bench.judge(B.result(0, model: "paint", psi: [("x", 0.3)]), keyID: 1, featureSamples: samples)
        bench.judge(B.result(0, model: "paint", segment: l2, psi: [("x", 0.5)]), keyID: 2, featureSamples: samples)
        bench.judge(B.result(0, model: "paint", segment: l1, psi: [("x", 0.5)]), keyID: 3, featureSamples: samples)
        bench.judge(B.result(1, model: "paint", segment: l1, psi: [("x", 0.7)]), keyID: 3, featureSamples: samples)
        // weld: the default (0.25); paint: 0.4 (0.3 is quiet, 0.5 fires once); paint line L1: 0.6.
        #expect(
            bench.alerts.map { "\($0.alertID) \($0.threshold) \($0.windowStart / B.minute)" } == [
                "psi_high/weld/1/_all/x 0.25 0", "psi_high/paint/1/line=L2/x 0.4 0", "psi_high/paint/1/line=L1/x 0.6 1",
            ])
    }

    @Test func aScopeMatchesModelsVersionsAndSegmentValues() {
        let scope = RuleScope(models: ["a"], versions: ["2"], segment: ["line": ["L1", "L2"]])
        let l1 = [SegmentValue(name: "line", value: "L1")]
        #expect(scope.matches(model: "a", version: "2", segment: l1))
        #expect(!scope.matches(model: "b", version: "2", segment: l1))
        #expect(!scope.matches(model: "a", version: "1", segment: l1))
        #expect(!scope.matches(model: "a", version: "2", segment: [SegmentValue(name: "line", value: "L3")]))
        #expect(!scope.matches(model: "a", version: "2", segment: []), "the whole-model key has no line")
        #expect(RuleScope.all.matches(model: "z", version: "9", segment: []))
        #expect(scope.specificity == 3)
        #expect(RuleScope(models: ["a"]).overlaps(RuleScope(versions: ["1"])))
        #expect(!RuleScope(models: ["a"]).overlaps(RuleScope(models: ["b"])))
        #expect(!RuleScope(segment: ["line": ["L1"]]).overlaps(RuleScope(segment: ["line": ["L2"]])))
        // Among matching entries the most specific wins, the first among equals; none matching: none.
        let scopes = [RuleScope.all, RuleScope(models: ["a"]), RuleScope(versions: ["2"]), scope]
        #expect(RuleEngine.entry(among: scopes, model: "a", version: "2", segment: l1) == 3)
        #expect(RuleEngine.entry(among: scopes, model: "a", version: "2", segment: []) == 1)
        #expect(RuleEngine.entry(among: scopes, model: "b", version: "1", segment: []) == 0)
        #expect(RuleEngine.entry(among: [RuleScope(models: ["a"])], model: "b", version: "1", segment: []) == nil)
    }

    /// Every selector reads its value from the window result, and names its family in alerts.
    @Test func everySelectorReadsItsValueAndNamesItsFamily() throws {
        let result = B.result(
            0, count: 600, psi: [("x", 0.3), ("c", 0.5)], missing: [("x", 0.2), ("c", 0.6)], online: 0.8,
            offline: 0.9, labelled: 300,
            latency: LatencyResult(p50: 1, p90: 2, p95: 3, p99: 4, p999: 5, max: 6, samples: 600), throughput: 10,
            resources: [
                ResourceStat(field: "cpu_pct", mean: 50, max: 90, p95: 80, samples: 5),
                ResourceStat(field: "gpu_mem_mb", mean: 2000, max: 2500, p95: 2400, samples: 5),
            ])
        let cases: [(String, Double, String, String?)] = [
            ("psi[c]", 0.5, "psi", "c"), ("psi[*]", 0.3, "psi", "x"), ("missing_rate[c]", 0.6, "missing_rate", "c"),
            ("accuracy.gap_pp", 10, "accuracy.gap_pp", nil), ("accuracy.online", 0.8, "accuracy.online", nil),
            ("labelled", 300, "labelled", nil), ("latency.p50", 1, "latency.p50", nil),
            ("latency.p90", 2, "latency.p90", nil), ("latency.p95", 3, "latency.p95", nil),
            ("latency.p99", 4, "latency.p99", nil), ("latency.p999", 5, "latency.p999", nil),
            ("latency.max", 6, "latency.max", nil), ("resources.cpu_pct.max", 90, "resources.cpu_pct.max", nil),
            ("resources.cpu_pct.mean", 50, "resources.cpu_pct.mean", nil),
            ("resources.gpu_mem_mb.max", 2500, "resources.gpu_mem_mb.max", nil), ("throughput", 10, "throughput", nil),
        ]
        for (text, value, family, feature) in cases {
            let selector = try MetricSelector.parse(text).get()
            #expect(selector.text == text)
            var bench = B([RuleSpec(name: "r", metric: selector, op: .greaterOrEqual, threshold: 0, minSamples: 0)])
            bench.judge(result, featureSamples: ["x": 600, "c": 600])
            let alert = try #require(bench.alerts.first, "\(text)")
            #expect(abs(alert.value - value) < 1e-9, "\(text)")
            #expect(alert.metric.rawValue == family)
            #expect(alert.feature == feature, "\(text)")
        }
        var all = B([RuleSpec(name: "r", metric: .psi(.all), threshold: 0)])
        all.judge(result, featureSamples: ["x": 600, "c": 600])
        #expect(all.alerts.map(\.alertID) == ["r/m/1/_all/x", "r/m/1/_all/c"])
    }

    @Test func rulesOnLabelsWaitForTheLabelHorizonAndTheRestJudgeAtClose() {
        var engine = RuleEngine(rules: [
            RuleSpec(name: "few", metric: .labelled, op: .less, threshold: 100),
            RuleSpec(name: "busy", metric: .throughput, threshold: 5),
        ])
        var alerts: [Alert] = []
        var reasons: [RetrainTrigger.Reason] = []
        let result = B.result(0, labelled: 20, throughput: 10)
        engine.judge(result, keyID: 0, phase: .close, featureSamples: [:], now: 0, alerts: &alerts, reasons: &reasons)
        #expect(alerts.map(\.rule) == ["busy"])
        engine.judge(
            result, keyID: 0, phase: .labelHorizon, featureSamples: [:], now: 0, alerts: &alerts, reasons: &reasons)
        #expect(alerts.map(\.rule) == ["busy", "few"])
    }
}
