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

/// The rule grammar of the alerting issue: selectors, comparisons, `for`, scopes and overrides.
@Suite struct TopologyRuleGrammarTests {
    static let head = """
        name: t
        windows: {size: 5m}
        keys: [[], [line]]
        sources: [{name: s, type: stdin}]
        sinks: {results: {type: stdout}, alerts: {type: stdout}, dead_letter: {type: stdout}}
        """

    static let selectors: [(String, MetricSelector)] = [
        ("psi[current_a]", .psi(.named("current_a"))), ("psi[*]", .psi(.all)), ("missing_rate[*]", .missingRate(.all)),
        ("accuracy.gap_pp", .accuracyGap), ("accuracy.online", .accuracyOnline), ("latency.p99", .latency(.p99)),
        ("latency.p90", .latency(.p90)), ("resources.cpu_pct.max", .resource(.cpuPct, .max)),
        ("resources.gpu_mem_mb.max", .resource(.gpuMemMB, .max)), ("throughput", .throughput),
        ("labelled", .labelled),
    ]

    @Test(arguments: selectors)
    func everySelectorReadsFromATopology(text: String, selector: MetricSelector) throws {
        let rules = try loadTopology(Self.head + "\nrules: [{name: r, metric: \"\(text)\", op: \">=\", threshold: 1}]")
            .rules
        #expect(rules == [RuleSpec(name: "r", metric: selector, op: .greaterOrEqual, threshold: 1)])
        // Accuracy rules start at 200 labels; the rest judge any window with a sample.
        #expect(rules[0].minSamples == (selector.isAccuracy ? 200 : 1))
    }

    @Test func theIssuesExampleRulesRead() throws {
        let rules = try loadTopology(
            Self.head + """

                rules:
                  - {name: current_drift, metric: "psi[current_a]", op: ">", threshold: 0.2, for: 2, resolve_threshold: 0.15, severity: critical, retrain: true, scope: {models: [weld-defect-cls], versions: ["3.2.0"], segment: {line: [L1, L2]}}}
                  - {name: throughput_drop, metric: throughput, drop_vs_trailing: 6, op: ">", threshold: 0.5}
                  - {name: accuracy_gap, min_labels: 300, confidence: 0.95}
                  - {name: low_online, metric: accuracy.online, op: "<", threshold: 0.9, min_labels: 0}
                """
        ).rules
        #expect(
            rules == [
                RuleSpec(
                    name: "current_drift", metric: .psi(.named("current_a")), threshold: 0.2, resolveThreshold: 0.15,
                    sustain: 2, severity: "critical", retrain: true,
                    scope: RuleScope(models: ["weld-defect-cls"], versions: ["3.2.0"], segment: ["line": ["L1", "L2"]])),
                RuleSpec(name: "throughput_drop", metric: .throughput, threshold: 0.5, dropVsTrailing: 6),
                RuleSpec(
                    name: "accuracy_gap", metric: .accuracyGap, threshold: 3, sustain: 3, minSamples: 300,
                    severity: "critical", retrain: true, confidence: 0.95),
                RuleSpec(name: "low_online", metric: .accuracyOnline, op: .less, threshold: 0.9, minSamples: 0),
            ])
    }

    @Test func olderKeysReadAsTheirNewNames() throws {
        let old = try loadTopology(
            Self.head
                + "\nrules: [{name: r, metric: latency_p95, direction: below, sustain: 2, threshold: 5}]"
        ).rules
        let new = try loadTopology(
            Self.head + "\nrules: [{name: r, metric: latency.p95, op: \"<\", for: 2, threshold: 5}]"
        ).rules
        #expect(old == new)
        #expect(
            try loadTopology(Self.head + "\nrules: [{name: r, metric: psi, threshold: 1}]").rules[0].metric
                == .psi(.all))
    }

    /// A later entry of a name starts from the first entry of it (or the default) and judges only its scope.
    @Test func aScopedEntryOverridesTheDefaultForItsModels() throws {
        let rules = try loadTopology(
            Self.head + """

                rules:
                  - name: psi_high
                  - {name: psi_high, scope: {models: [paint-line-reg]}, threshold: 0.4}
                  - {name: mine, metric: "latency.p99", threshold: 50, for: 2, severity: info}
                  - {name: mine, scope: {segment: {line: [L3]}}, threshold: 80}
                """
        ).rules
        var paint = RuleSpec.defaults[0]
        paint.scope = RuleScope(models: ["paint-line-reg"])
        paint.threshold = 0.4
        paint.resolveThreshold = 0.4
        #expect(rules[0] == RuleSpec.defaults[0])
        #expect(rules[1] == paint)
        #expect(
            rules[3]
                == RuleSpec(
                    name: "mine", metric: .latency(.p99), threshold: 80, sustain: 2, severity: "info",
                    scope: RuleScope(segment: ["line": ["L3"]])))
    }

    static let mistakes: [(rules: String, code: TopologyError.Code, column: Int, message: String)] = [
        (  // the selector value opens at column 27
            "[{name: r, metric: \"latency.P99\", threshold: 1}]", .invalidValue, 27,
            "unknown 'P99' in metric 'latency.P99' for rules[0].metric; did you mean 'latency.p99'? latency is "
                + "followed by one of: p50, p90, p95, p99, p999, max"
        ),
        (
            "[{name: r, metric: \"psi[current_a\", threshold: 1}]", .invalidValue, 27,
            "invalid metric 'psi[current_a' for rules[0].metric: a feature is written inside brackets: psi[NAME] "
                + "or psi[*]"
        ),
        (
            "[{name: r, metric: resource.cpu_pct.max, threshold: 1}]", .invalidValue, 27,
            "unknown metric 'resource.cpu_pct.max' for rules[0].metric; did you mean 'resources'? write one of: "
                + TopologyParserGrammar.selectors
        ),
        (
            "[{name: r, metric: accuracy.gap, threshold: 1}]", .invalidValue, 27,
            "unknown 'gap' in metric 'accuracy.gap' for rules[0].metric; did you mean 'accuracy.gap_pp'? accuracy "
                + "is followed by one of: gap_pp, online"
        ),
        (  // `"=>"` at column 36
            "[{name: r, metric: psi, op: \"=>\", threshold: 1}]", .invalidValue, 36,
            "unknown comparison '=>' for rules[0].op; did you mean '>='? (one of: >, >=, <, <=)"
        ),
        (
            "[{name: r, metric: psi, op: \"!=\", threshold: 1}]", .invalidValue, 36,
            "unknown comparison '!=' for rules[0].op; expected one of: >, >=, <, <="
        ),
        (  // `above` at column 52
            "[{name: r, metric: psi, op: \">\", direction: above, threshold: 1}]", .inconsistent, 52,
            "rule 'r' gives both op and direction; direction is the older name of op (above is \">\", below is "
                + "\"<\"), keep only op"
        ),
        (
            "[{name: r, metric: psi, for: 2, sustain: 2, threshold: 1}]", .inconsistent, 49,
            "rule 'r' gives both for and sustain; keep only for"
        ),
        (  // the scope key `model` at column 40
            "[{name: r, metric: psi, scope: {model: [a]}, threshold: 1}]", .unknownKey, 40,
            "unknown key 'model' in rules[0].scope; did you mean 'models'?"
        ),
        (
            "[{name: r, metric: psi, scope: {segment: {lin: [L1]}}, threshold: 1}]", .invalidValue, 50,
            "scope segment dimension 'lin' is in no key, so it would never match; did you mean 'line'? "
                + "(the dimensions in keys: line)"
        ),
        (
            "[{name: r, metric: psi, scope: {models: []}, threshold: 1}]", .invalidValue, 48,
            "rules[0].scope.models must list at least one model; leave it out to judge every model"
        ),
        (
            "[{name: r, metric: psi, scope: {versions: 3.2.0}, threshold: 1}]", .wrongType, 50,
            "rules[0].scope.versions must be a list, not '3.2.0'"
        ),
        (
            "[{name: r, metric: psi, min_labels: 100, threshold: 1}]", .inconsistent, 44,
            "rule 'r' watches psi[*]: min_labels applies only to accuracy rules (accuracy.gap_pp, accuracy.online); "
                + "use min_samples"
        ),
        (
            "[{name: r, metric: latency.p99, confidence: 0.95, threshold: 1}]", .inconsistent, 52,
            "rule 'r' watches latency.p99: confidence applies only to accuracy rules (accuracy.gap_pp, "
                + "accuracy.online)"
        ),
        (
            "[{name: accuracy_gap, confidence: 95}]", .invalidValue, 42,
            "rules[0].confidence must be between 0.5 and 1 (both excluded), e.g. 0.95, not 95.0"
        ),
        (
            "[{name: r, metric: latency.p99, drop_vs_trailing: 6, threshold: 1}]", .inconsistent, 58,
            "rule 'r' watches latency.p99: drop_vs_trailing applies only to throughput"
        ),
        (  // the second entry's scope at column 86
            "[{name: r, metric: psi, threshold: 1, scope: {models: [a]}}, {name: r, scope: {versions: [\"1\"]}}]",
            .inconsistent, 86,
            "rule 'r' has another entry on line 6 whose scope is as specific as this one's and shares keys with it; "
                + "narrow one of them (the most specific entry judges a key)"
        ),
    ]

    @Test func aPSIRuleOnAFeatureNoBaselineInItsScopeHasIsReportedAtItsMetric() throws {
        func baseline(_ model: String, _ features: [String]) -> Baseline {
            Baseline(
                model: model, version: "1",
                features: features.map {
                    .numeric(name: $0, edges: [10], expected: [0.5, 0.5], referenceCount: 100, missingRate: 0)
                },
                offline: nil, latencyBudgetMs: 100, binning: .init(method: .quantile, binCount: 2),
                createdFrom: .init(referenceRows: 100, testRows: 0))
        }
        let topology = try loadTopology(
            Self.head + """

                rules:
                  - {name: a, metric: "psi[current_a]", threshold: 0.2}
                  - {name: b, metric: "psi[voltage_v]", threshold: 0.2, scope: {models: [weld]}}
                  - {name: c, metric: "psi[current_a]", threshold: 0.2, scope: {models: [paint]}}
                  - {name: d, metric: "missing_rate[anything]", threshold: 0.2}
                """)
        let baselines = [baseline("weld", ["current_a", "temp_c"]), baseline("press", ["voltage_v"])]
        #expect(
            topology.ruleMistakes(against: baselines, file: "t.yaml") == [
                .init(
                    code: .invalidValue, file: "t.yaml", line: 8, column: 23,
                    message: "rule 'b' watches psi[voltage_v], but no baseline it judges against has that feature "
                        + "(they have: current_a, temp_c)"),
                .init(
                    code: .invalidValue, file: "t.yaml", line: 9, column: 23,
                    message: "rule 'c' watches psi[current_a], but no baseline is loaded for the models and versions "
                        + "it judges"),
            ])
    }

    /// Each mistake on line 6 (`rules: …`), reported at its column with the reason.
    @Test(arguments: mistakes.indices)
    func ruleMistakesAreReportedWithLineColumnAndReason(index: Int) {
        let (rules, code, column, message) = Self.mistakes[index]
        let diagnostics = topologyDiagnostics(Self.head + "\nrules: \(rules)")
        #expect(diagnostics == [.init(code: code, file: "t.yaml", line: 6, column: column, message: message)])
    }
}

/// The selector grammar as `validate` words it.
enum TopologyParserGrammar {
    static let selectors =
        "psi[FEATURE], psi[*], missing_rate[FEATURE], missing_rate[*], accuracy.gap_pp, accuracy.online, "
        + "labelled, latency.p50|p90|p95|p99|p999|max, resources.cpu_pct|mem_mb|gpu_pct|gpu_mem_mb.mean|max|p95, "
        + "throughput"
}
