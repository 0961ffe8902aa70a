import DriftlineCore
import Testing

/// Every selector, scope and override of the rule grammar, judged by the processor on real windows.
@Suite struct ProcessorRuleTests {
    typealias H = ProcessorHarness
    static let minute: Int64 = 60_000

    static func harness(_ rules: [RuleSpec], keySets: [[String]] = [[]]) throws -> H {
        try H(DriftProcessorTests.settings(keySets: keySets, rules: rules))
    }

    /// `count` events spread over window `window`, each made by `event(i, ts)`.
    static func feed(_ h: H, window: Int, count: Int, _ event: (Int, Int64) -> String) throws {
        for i in 0..<count { try h.feed(event(i, Int64(window) * minute + Int64(i) * 50_000 / Int64(count))) }
    }

    @Test func aFeatureSelectorJudgesOnlyItsFeatureAndTheWildcardEvery() throws {
        let h = try Self.harness([
            RuleSpec(name: "x_only", metric: .psi(.named("x")), threshold: 0.25),
            RuleSpec(name: "every", metric: .psi(.all), threshold: 0.25),
            RuleSpec(name: "c_missing", metric: .missingRate(.named("c")), threshold: 0.5),
            RuleSpec(name: "any_missing", metric: .missingRate(.all), threshold: 0.5),
        ])
        // x always above 10 and c always "a": PSI of both is far above 0.25; c is missing in 3 of 4.
        try Self.feed(h, window: 0, count: 400) { i, ts in H.inference(ts: ts, x: 20, c: i % 4 == 0 ? "a" : nil) }
        h.finish()
        #expect(
            h.alerts.map(\.alertID).sorted() == [
                "any_missing/m/1/_all/c", "c_missing/m/1/_all/c", "every/m/1/_all/c", "every/m/1/_all/x",
                "x_only/m/1/_all/x",
            ])
        let missing = try #require(h.alerts.first { $0.rule == "c_missing" })
        #expect(missing.value == 0.75 && missing.metric == .missingRate)
    }

    /// The default `accuracy_gap` with 150 labels a window: three windows 10 pp below offline
    /// raise nothing, and the processor counts the three windows not judged.
    @Test func accuracyWindowsWithTooFewLabelsRaiseNothingAndAreCounted() throws {
        let h = try Self.harness(RuleSpec.defaults)
        for window in 0..<3 {
            try Self.feed(h, window: window, count: 150) { i, ts in
                H.inference(ts: ts, x: 1, prediction: "ok", label: i % 10 < 8 ? "ok" : "defect")
            }
        }
        h.finish()
        #expect(h.results.map(\.accuracy.labelled) == [150, 150, 150])
        #expect(h.alerts.isEmpty)
        #expect(h.processor.counters.windowsUnjudgedFewLabels == 3)
    }

    /// `confidence: 0.95` against the baseline's offline 0.9, 200 labels a window: 170 right
    /// (upper bound 0.8868445864811628, 1.3155 pp) stays quiet; 160 right (upper bound
    /// 0.8423809669542609) fires at 5.761903304573912 pp. Bounds from scipy, see ConfidenceBoundTests.
    @Test func theConfidenceBoundIsJudgedOnProcessedWindows() throws {
        let rule = RuleSpec(name: "gap", metric: .accuracyGap, threshold: 3, confidence: 0.95)
        let h = try Self.harness([rule])
        for (window, right) in [170, 160].enumerated() {
            try Self.feed(h, window: window, count: 200) { i, ts in
                H.inference(ts: ts, x: 1, prediction: "ok", label: i < right ? "ok" : "defect")
            }
        }
        h.finish()
        #expect(h.alerts.map(\.windowStart) == [Self.minute])
        #expect(abs(h.alerts[0].value - 5.761903304573912) < 1e-9)
    }

    @Test func onlineAccuracyAndLabelledAreJudgedAtTheLabelHorizon() throws {
        let h = try Self.harness([
            RuleSpec(name: "low_online", metric: .accuracyOnline, op: .less, threshold: 0.85),
            RuleSpec(name: "few_labels", metric: .labelled, op: .less, threshold: 250),
        ])
        try Self.feed(h, window: 0, count: 200) { i, ts in
            H.inference(ts: ts, x: 1, prediction: "ok", label: i % 10 < 8 ? "ok" : "defect")
        }
        h.finish()
        #expect(h.alerts.map { "\($0.rule) \($0.value)" }.sorted() == ["few_labels 200.0", "low_online 0.8"])
    }

    @Test func latencyPercentilesAndResourceMaximaAreJudged() throws {
        let h = try Self.harness([
            RuleSpec(name: "p90", metric: .latency(.p90), threshold: 100),
            RuleSpec(name: "p99", metric: .latency(.p99), threshold: 100),
            RuleSpec(name: "cpu_peak", metric: .resource(.cpuPct, .max), threshold: 80),
            RuleSpec(name: "cpu_mean", metric: .resource(.cpuPct, .mean), threshold: 80),
            RuleSpec(name: "gpu_mem_peak", metric: .resource(.gpuMemMB, .max), threshold: 1_900),
        ])
        // 95 of 100 at 20 ms: p90 is 20, p99 is 150. CPU 10, 20, 30, 95: max 95, mean 38.75; GPU memory
        // 1100, 1400, 1700, 2000: max 2000.
        try Self.feed(h, window: 0, count: 100) { i, ts in H.inference(ts: ts, x: 1, latency: i < 95 ? 20 : 150) }
        for (i, cpu) in [10.0, 20, 30, 95].enumerated() {
            try h.feed(
                "{\"type\":\"resource\",\"model\":\"m\",\"version\":\"1\",\"host\":\"h\",\"ts\":\(i * 1000),\"cpu_pct\":\(cpu),"
                    + "\"gpu_mem_mb\":\(1_100 + 300 * i)}"
            )
        }
        h.finish()
        #expect(
            h.alerts.map { "\($0.rule) \($0.metric) \($0.value)" }.sorted() == [
                "cpu_peak resources.cpu_pct.max 95.0", "gpu_mem_peak resources.gpu_mem_mb.max 2000.0",
                "p99 latency.p99 150.0",
            ])
    }

    /// 60 events a window for three windows, then 20: `1 − 20/60` = 0.667 is a drop of more than half.
    @Test func aThroughputDropAgainstTheTrailingWindowsFires() throws {
        let h = try Self.harness([RuleSpec(name: "drop", metric: .throughput, threshold: 0.5, dropVsTrailing: 3)])
        for (window, count) in [60, 60, 60, 20].enumerated() {
            try Self.feed(h, window: window, count: count) { _, ts in H.inference(ts: ts, x: 1) }
        }
        h.finish()
        #expect(h.alerts.map(\.windowStart) == [3 * Self.minute])
        #expect(abs(h.alerts[0].value - 2.0 / 3) < 1e-12)
        #expect(h.alerts[0].metric.rawValue == "throughput.drop")
    }

    /// `slow` for every key, overridden for line L1 (threshold 200) and out of scope for model `other`:
    /// 150 ms fires for the whole model and L2, not for L1; one alert per key.
    @Test func scopedOverridesJudgeTheirKeysAndTheRestKeepTheDefault() throws {
        let h = try Self.harness(
            [
                RuleSpec(name: "slow", metric: .latency(.p99), threshold: 100),
                RuleSpec(
                    name: "slow", metric: .latency(.p99), threshold: 200, scope: RuleScope(segment: ["line": ["L1"]])),
                RuleSpec(name: "other_only", metric: .latency(.p99), threshold: 1, scope: RuleScope(models: ["other"])),
                RuleSpec(name: "v1_only", metric: .latency(.p99), threshold: 1, scope: RuleScope(versions: ["1"])),
            ], keySets: [[], ["line"]])
        try Self.feed(h, window: 0, count: 100) { i, ts in
            H.inference(ts: ts, x: 1, latency: 150, line: i % 2 == 0 ? "L1" : "L2")
        }
        h.finish()
        #expect(
            h.alerts.map { "\($0.alertID) \($0.threshold)" }.sorted() == [
                "slow/m/1/_all 100.0", "slow/m/1/line=L2 100.0", "v1_only/m/1/_all 1.0", "v1_only/m/1/line=L1 1.0",
                "v1_only/m/1/line=L2 1.0",
            ])
    }
}
