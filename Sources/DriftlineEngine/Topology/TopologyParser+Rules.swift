import DriftlineCore
import Yams

extension TopologyParser {
    /// The keys of one `rules` entry.
    private static let ruleKeys = [
        "name", "metric", "direction", "threshold", "resolve_threshold", "sustain", "min_samples", "severity",
        "retrain",
    ]

    /// The contract's default rules, with `latency_p99_high` watching the topology's latency budget.
    static func defaultRules(latencyBudgetMs: Double) -> [RuleSpec] {
        RuleSpec.defaults.map { rule in
            guard rule.name == "latency_p99_high" else { return rule }
            var rule = rule
            rule.threshold = latencyBudgetMs
            rule.resolveThreshold = latencyBudgetMs
            return rule
        }
    }

    /// The `rules` list. A rule named like a default one starts from it (see `defaultRules`) and
    /// the keys given override; any other rule needs `metric` and `threshold`.
    mutating func rules(_ node: Node, latencyBudgetMs: Double) -> [RuleSpec] {
        guard let items = reader.sequence(node, path: "rules") else { return [] }
        let defaults = Self.defaultRules(latencyBudgetMs: latencyBudgetMs)
        var rules: [RuleSpec] = []
        var nameLines: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            guard let fields = reader.fields(item, path: "rules[\(index)]", allowed: Self.ruleKeys, required: ["name"]),
                let nameNode = fields["name"], let name = reader.identifier(nameNode, path: fields.path("name"))
            else { continue }
            if let first = nameLines[name] {
                reader.report(.duplicateName, at: nameNode.mark, "rule name '\(name)' is already used on line \(first)")
            } else {
                nameLines[name] = nameNode.mark?.line ?? 0
            }
            if let rule = rule(named: name, fields: fields, base: defaults.first { $0.name == name }, node: item) {
                rules.append(rule)
            }
        }
        return rules
    }

    /// One rule: `base` (a default rule of the same name) with the given keys overriding it.
    private mutating func rule(named name: String, fields: Fields, base: RuleSpec?, node: Node) -> RuleSpec? {
        let metric = fields["metric"].flatMap {
            reader.word($0, path: fields.path("metric"), among: RuleMetric.allCases)
        }
        let direction = fields["direction"].flatMap {
            reader.word($0, path: fields.path("direction"), among: RuleSpec.Direction.allCases)
        }
        let threshold = fields["threshold"].flatMap { reader.double($0, path: fields.path("threshold")) }
        let resolveThreshold = fields["resolve_threshold"].flatMap {
            reader.double($0, path: fields.path("resolve_threshold"))
        }
        let sustain = fields["sustain"].flatMap { reader.int($0, path: fields.path("sustain"), minimum: 1) }
        let minSamples = fields["min_samples"].flatMap { reader.int($0, path: fields.path("min_samples"), minimum: 0) }
        let severity = fields["severity"].flatMap { reader.identifier($0, path: fields.path("severity")) }
        let retrain = fields["retrain"].flatMap { reader.bool($0, path: fields.path("retrain")) }

        if base == nil {
            let defaultNames = RuleSpec.defaults.map(\.name).joined(separator: ", ")
            for key in ["metric", "threshold"] where fields[key] == nil {
                reader.report(
                    .missingKey, at: node.mark,
                    "rule '\(name)' needs a \(key): it is not one of the default rules (\(defaultNames))")
            }
        }
        guard let metric = metric ?? base?.metric, let threshold = threshold ?? base?.threshold else { return nil }
        var rule = base ?? RuleSpec(name: name, metric: metric, threshold: threshold)
        rule.metric = metric
        rule.direction = direction ?? rule.direction
        rule.threshold = threshold
        rule.resolveThreshold = resolveThreshold ?? (fields["threshold"] != nil ? threshold : rule.resolveThreshold)
        rule.sustain = sustain ?? rule.sustain
        rule.minSamples = minSamples ?? rule.minSamples
        rule.severity = severity ?? rule.severity
        rule.retrain = retrain ?? rule.retrain

        let above = rule.direction == .above
        if above ? rule.resolveThreshold > rule.threshold : rule.resolveThreshold < rule.threshold {
            reader.report(
                .inconsistent, at: fields["resolve_threshold"]?.mark ?? node.mark,
                "rule '\(name)' has resolve_threshold \(rule.resolveThreshold) \(above ? "above" : "below") its "
                    + "threshold \(rule.threshold); a rule firing \(above ? "above" : "below") its threshold must "
                    + "resolve at or \(above ? "below" : "above") it")
            return nil
        }
        return rule
    }
}
