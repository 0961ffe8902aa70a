import DriftlineCore
import DriftlineEngine
import Testing

@Suite struct TopologyRuleTests {
    static let head = """
        name: t
        windows: {size: 5m}
        sources: [{name: s, type: stdin}]
        sinks: {results: {type: stdout}, alerts: {type: stdout}, dead_letter: {type: stdout}}
        """

    /// Overrides of a default rule and the rule they must give, written out from the contract's defaults
    /// (psi_high: psi > 0.25, 500 samples, critical, retrain; accuracy_gap: > 3 pp for 3 windows, critical,
    /// retrain; latency_p99_high: p99 > the 100 ms budget, warning).
    static let overrides: [(rules: String, expected: RuleSpec)] = [
        (
            "[{name: psi_high, threshold: 0.3}]",
            RuleSpec(
                name: "psi_high", metric: .psi(.all), threshold: 0.3, minSamples: 500, severity: "critical",
                retrain: true)
        ),
        (
            "[{name: psi_high, resolve_threshold: 0.2}]",
            RuleSpec(
                name: "psi_high", metric: .psi(.all), threshold: 0.25, resolveThreshold: 0.2, minSamples: 500,
                severity: "critical", retrain: true)
        ),
        (
            "[{name: accuracy_gap, sustain: 5, retrain: false}]",
            RuleSpec(name: "accuracy_gap", metric: .accuracyGap, threshold: 3, sustain: 5, severity: "critical")
        ),
        (
            "[{name: latency_p99_high, metric: latency_p95, severity: critical, min_samples: 50}]",
            RuleSpec(
                name: "latency_p99_high", metric: .latency(.p95), threshold: 100, minSamples: 50, severity: "critical")
        ),
        (
            "[{name: slow_line, metric: throughput, direction: below, threshold: 2, resolve_threshold: 2.5, "
                + "min_samples: 0}]",
            RuleSpec(
                name: "slow_line", metric: .throughput, op: .less, threshold: 2, resolveThreshold: 2.5,
                minSamples: 0)
        ),
    ]

    @Test(arguments: overrides.indices)
    func aRuleNamedLikeADefaultStartsFromItAndGivenKeysOverride(index: Int) throws {
        let (rules, expected) = Self.overrides[index]
        let topology = try loadTopology(Self.head + "\nrules: \(rules)")
        #expect(topology.rules == [expected])
    }

    @Test func listedRulesAreTheWholeSetInFileOrder() throws {
        let topology = try loadTopology(
            Self.head + "\nrules: [{name: latency_p99_high}, {name: gpu_hot, metric: gpu_pct_mean, threshold: 95}]")
        #expect(
            topology.rules == [
                RuleSpec(name: "latency_p99_high", metric: .latency(.p99), threshold: 100, severity: "warning"),
                RuleSpec(name: "gpu_hot", metric: .resource(.gpuPct, .mean), threshold: 95),
            ])
        #expect(try loadTopology(Self.head + "\nrules: []").rules == [])
    }

    @Test func theLatencyRuleWatchesTheTopologysBudget() throws {
        let defaults = try loadTopology(Self.head + "\nlatency: {budget_ms: 250}").rules
        #expect(defaults.map(\.name) == ["psi_high", "accuracy_gap", "latency_p99_high"])
        #expect(defaults[2].threshold == 250)
        #expect(defaults[2].resolveThreshold == 250)

        let listed = try loadTopology(Self.head + "\nlatency: {budget_ms: 40}\nrules: [{name: latency_p99_high}]").rules
        #expect(
            listed == [RuleSpec(name: "latency_p99_high", metric: .latency(.p99), threshold: 40, severity: "warning")])
    }

    @Test func aRuleNameUsedTwiceIsReportedAtTheSecond() {
        // line 5: `rules: [{name: r, ...}, {name: r, ...}]`; the second `r` is at column 54
        let diagnostics = topologyDiagnostics(
            Self.head + "\nrules: [{name: r, metric: psi, threshold: 1}, {name: r, metric: psi, threshold: 2}]")
        #expect(
            diagnostics == [
                .init(
                    code: .duplicateName, file: "t.yaml", line: 5, column: 54,
                    message: "rule name 'r' is already used on line 5")
            ])
    }

    @Test func aCustomRuleWithoutMetricOrThresholdIsToldBoth() {
        let diagnostics = topologyDiagnostics(Self.head + "\nrules:\n  - name: mine\n    severity: info")
        // the rule's mapping starts at `name` on line 6, column 5
        let suffix = "it is not one of the default rules (psi_high, accuracy_gap, latency_p99_high)"
        #expect(
            diagnostics == [
                .init(
                    code: .missingKey, file: "t.yaml", line: 6, column: 5,
                    message: "rule 'mine' needs a metric: \(suffix)"),
                .init(
                    code: .missingKey, file: "t.yaml", line: 6, column: 5,
                    message: "rule 'mine' needs a threshold: \(suffix)"),
            ])
    }
}
