import DriftlineCore
import Yams

extension TopologyParser {
    /// The keys of one `rules` entry. `direction` and `sustain` are the older names of `op` and `for`.
    private static let ruleKeys = [
        "name", "metric", "op", "direction", "threshold", "resolve_threshold", "for", "sustain", "min_samples",
        "min_labels", "confidence", "drop_vs_trailing", "severity", "retrain", "scope", "repeat_interval",
    ]

    /// How a rule's selectors are written, for messages.
    static let selectorGrammar =
        "psi[FEATURE], psi[*], missing_rate[FEATURE], missing_rate[*], accuracy.gap_pp, accuracy.online, "
        + "labelled, latency.p50|p90|p95|p99|p999|max, resources.cpu_pct|mem_mb|gpu_pct|gpu_mem_mb.mean|max|p95, "
        + "throughput"

    /// Comparisons written the wrong way round or in words, and the comparison meant.
    private static let comparisonSlips = [
        "=>": ">=", "=<": "<=", "above": ">", "below": "<", "gt": ">", "lt": "<", "ge": ">=", "le": "<=", "==": ">=",
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

    /// The `retrain` section: `cooldown`, how long a model version that triggered retraining waits
    /// (in event time) before it triggers again.
    mutating func retrainCooldownMs(_ node: Node) -> Int64 {
        guard let retrain = reader.fields(node, path: "retrain", allowed: ["cooldown"]),
            let cooldown = retrain["cooldown"]
        else { return 0 }
        return reader.duration(cooldown, path: retrain.path("cooldown"), positive: false) ?? 0
    }

    /// An entry already read, to check the next ones of the same name against.
    private struct ReadEntry {
        var rule: RuleSpec
        var line: Int
        /// Where the entry gives its metric (or starts, when it keeps its default's).
        var metric: Topology.SourcePosition
    }

    /// The `rules` list. A rule named like a default one starts from it (see `defaultRules`) and
    /// the keys given override; any other rule needs `metric` and `threshold`. A later entry of a
    /// name already used starts from the first entry of that name and must have a scope of its own.
    mutating func rules(_ node: Node, latencyBudgetMs: Double, dimensions: [String]) -> [RuleSpec] {
        guard let items = reader.sequence(node, path: "rules") else { return [] }
        let defaults = Self.defaultRules(latencyBudgetMs: latencyBudgetMs)
        var read: [ReadEntry] = []
        for (index, item) in items.enumerated() {
            guard let fields = reader.fields(item, path: "rules[\(index)]", allowed: Self.ruleKeys, required: ["name"]),
                let nameNode = fields["name"], let name = reader.identifier(nameNode, path: fields.path("name"))
            else { continue }
            let earlier = read.filter { $0.rule.name == name }
            let base = earlier.first?.rule ?? defaults.first { $0.name == name }
            guard
                let rule = rule(
                    named: name, fields: fields, base: base, node: item, dimensions: dimensions)
            else { continue }
            if let same = earlier.first(where: { $0.rule.scope == rule.scope }) {
                reader.report(
                    .duplicateName, at: nameNode.mark, "rule name '\(name)' is already used on line \(same.line)")
                continue
            }
            if let clash = earlier.first(where: {
                $0.rule.scope.specificity == rule.scope.specificity && $0.rule.scope.overlaps(rule.scope)
            }) {
                reader.report(
                    .inconsistent, at: fields["scope"]?.mark ?? item.mark,
                    "rule '\(name)' has another entry on line \(clash.line) whose scope is as specific as this "
                        + "one's and shares keys with it; narrow one of them (the most specific entry judges a key)")
                continue
            }
            let mark = fields["metric"]?.mark ?? item.mark
            read.append(
                ReadEntry(
                    rule: rule, line: nameNode.mark?.line ?? 0,
                    metric: Topology.SourcePosition(line: mark?.line ?? 0, column: mark?.column ?? 0)))
        }
        rulePositions = read.map(\.metric)
        return read.map(\.rule)
    }

    /// One rule: `base` (the first entry of the name, or the default rule of the name) with the given
    /// keys overriding it.
    private mutating func rule(
        named name: String, fields: Fields, base: RuleSpec?, node: Node, dimensions: [String]
    ) -> RuleSpec? {
        let metric = fields["metric"].flatMap { selector($0, path: fields.path("metric")) }
        let op = comparison(fields, name: name)
        let threshold = fields["threshold"].flatMap { reader.double($0, path: fields.path("threshold")) }
        let resolveThreshold = fields["resolve_threshold"].flatMap {
            reader.double($0, path: fields.path("resolve_threshold"))
        }
        let sustain = oneOf("for", "sustain", in: fields, rule: name).flatMap {
            reader.int($0.node, path: fields.path($0.key), minimum: 1)
        }
        let minSamples = oneOf("min_labels", "min_samples", in: fields, rule: name).flatMap {
            reader.int($0.node, path: fields.path($0.key), minimum: 0)
        }
        let confidence = fields["confidence"].flatMap { node -> Double? in
            guard let value = reader.double(node, path: fields.path("confidence")) else { return nil }
            guard value > 0.5 && value < 1 else {
                reader.report(
                    .invalidValue, at: node.mark,
                    "\(fields.path("confidence")) must be between 0.5 and 1 (both excluded), e.g. 0.95, not \(value)")
                return nil
            }
            return value
        }
        let drop = fields["drop_vs_trailing"].flatMap {
            reader.int($0, path: fields.path("drop_vs_trailing"), minimum: 1)
        }
        let repeatInterval = fields["repeat_interval"].flatMap {
            reader.duration($0, path: fields.path("repeat_interval"), positive: true)
        }
        let severity = fields["severity"].flatMap { reader.identifier($0, path: fields.path("severity")) }
        let retrain = fields["retrain"].flatMap { reader.bool($0, path: fields.path("retrain")) }
        let scope = fields["scope"].flatMap { self.scope($0, path: fields.path("scope"), dimensions: dimensions) }

        if base == nil {
            let defaultNames = RuleSpec.defaults.map(\.name).joined(separator: ", ")
            for key in ["metric", "threshold"] where fields[key] == nil {
                reader.report(
                    .missingKey, at: node.mark,
                    "rule '\(name)' needs a \(key): it is not one of the default rules (\(defaultNames))")
            }
        }
        guard let metric = metric ?? base?.metric, let threshold = threshold ?? base?.threshold,
            fields["scope"] == nil || scope != nil
        else { return nil }
        var rule = base ?? RuleSpec(name: name, metric: metric, threshold: threshold)
        if rule.metric.isAccuracy != metric.isAccuracy && minSamples == nil {
            // A rule moved onto or off accuracy takes that family's default sample floor.
            rule.minSamples = metric.isAccuracy ? RuleSpec.defaultMinLabels : 1
        }
        rule.metric = metric
        rule.op = op ?? rule.op
        rule.threshold = threshold
        rule.resolveThreshold = resolveThreshold ?? (fields["threshold"] != nil ? threshold : rule.resolveThreshold)
        rule.sustain = sustain ?? rule.sustain
        rule.minSamples = minSamples ?? rule.minSamples
        rule.severity = severity ?? rule.severity
        rule.retrain = retrain ?? rule.retrain
        rule.scope = scope ?? .all
        rule.dropVsTrailing = drop ?? rule.dropVsTrailing
        rule.confidence = confidence ?? rule.confidence
        rule.repeatInterval = repeatInterval ?? rule.repeatInterval

        var consistent = true
        func inconsistent(_ key: String, _ message: String) {
            reader.report(.inconsistent, at: fields[key]?.mark ?? node.mark, message)
            consistent = false
        }
        let accuracyOnly = "applies only to accuracy rules (accuracy.gap_pp, accuracy.online)"
        if fields["min_labels"] != nil && !metric.isAccuracy {
            inconsistent(
                "min_labels", "rule '\(name)' watches \(metric.text): min_labels \(accuracyOnly); use min_samples")
        }
        if rule.confidence != nil && !metric.isAccuracy {
            inconsistent("confidence", "rule '\(name)' watches \(metric.text): confidence \(accuracyOnly)")
        }
        if rule.dropVsTrailing != nil && metric != .throughput {
            inconsistent(
                "drop_vs_trailing", "rule '\(name)' watches \(metric.text): drop_vs_trailing applies only to throughput"
            )
        }
        let upward = rule.op.isUpward
        if upward ? rule.resolveThreshold > rule.threshold : rule.resolveThreshold < rule.threshold {
            inconsistent(
                "resolve_threshold",
                "rule '\(name)' has resolve_threshold \(rule.resolveThreshold) \(upward ? "above" : "below") its "
                    + "threshold \(rule.threshold); a rule firing \(upward ? "above" : "below") its threshold must "
                    + "resolve at or \(upward ? "below" : "above") it")
        }
        return consistent ? rule : nil
    }

    /// A metric selector, each mistake reported with what would be right.
    private mutating func selector(_ node: Node, path: String) -> MetricSelector? {
        guard let text = reader.string(node, path: path) else { return nil }
        switch MetricSelector.parse(text) {
        case .success(let selector):
            return selector
        case .failure(.unknownFamily(let family, let known)):
            let hint = NodeReader.closest(to: family, in: known).map { "did you mean '\($0)'? " } ?? ""
            reader.report(
                .invalidValue, at: node.mark,
                "unknown metric '\(text)' for \(path); \(hint)write one of: \(Self.selectorGrammar)")
        case .failure(.unknownPart(let part, let family, let known)):
            let guess = NodeReader.closest(to: part, in: known) ?? known.first { $0.hasPrefix(part) }
            let hint = guess.map { "did you mean '\(family).\($0)'? " } ?? ""
            reader.report(
                .invalidValue, at: node.mark,
                "unknown '\(part)' in metric '\(text)' for \(path); \(hint)\(family) is followed by one of: "
                    + known.joined(separator: ", "))
        case .failure(.malformed(let reason)):
            reader.report(.invalidValue, at: node.mark, "invalid metric '\(text)' for \(path): \(reason)")
        }
        return nil
    }

    /// `op`, or its older spelling `direction: above|below`; not both.
    private mutating func comparison(_ fields: Fields, name: String) -> RuleComparison? {
        if fields["op"] != nil, let direction = fields["direction"] {
            reader.report(
                .inconsistent, at: direction.mark,
                "rule '\(name)' gives both op and direction; direction is the older name of op "
                    + "(above is \">\", below is \"<\"), keep only op")
            return nil
        }
        if let node = fields["direction"] {
            let direction = reader.word(node, path: fields.path("direction"), among: Direction.allCases)
            return direction.map { $0 == .above ? .greater : .less }
        }
        guard let node = fields["op"], let text = reader.string(node, path: fields.path("op")) else { return nil }
        if let op = RuleComparison(rawValue: text) { return op }
        let list = RuleComparison.allCases.map(\.rawValue).joined(separator: ", ")
        let hint =
            Self.comparisonSlips[text].map { "did you mean '\($0)'? (one of: \(list))" } ?? "expected one of: \(list)"
        reader.report(.invalidValue, at: node.mark, "unknown comparison '\(text)' for \(fields.path("op")); \(hint)")
        return nil
    }

    /// The node of `key` or of its other name `alias`, and which was written; both given is a mistake.
    private mutating func oneOf(
        _ key: String, _ alias: String, in fields: Fields, rule: String
    ) -> (
        node: Node, key: String
    )? {
        if fields[key] != nil, let other = fields[alias] {
            reader.report(
                .inconsistent, at: other.mark, "rule '\(rule)' gives both \(key) and \(alias); keep only \(key)")
            return nil
        }
        if let node = fields[key] { return (node, key) }
        return fields[alias].map { ($0, alias) }
    }

    /// A rule's `scope`: `models`, `versions` and `segment` (dimension: values), each optional.
    private mutating func scope(_ node: Node, path: String, dimensions: [String]) -> RuleScope? {
        guard let fields = reader.fields(node, path: path, allowed: ["models", "versions", "segment"]) else {
            return nil
        }
        var scope = RuleScope()
        var valid = true
        func names(_ key: String, _ what: String) -> [String]? {
            guard let node = fields[key] else { return nil }
            guard let items = reader.sequence(node, path: fields.path(key)) else {
                valid = false
                return nil
            }
            guard !items.isEmpty else {
                reader.report(
                    .invalidValue, at: node.mark,
                    "\(fields.path(key)) must list at least one \(what); leave it out to judge every \(what)")
                valid = false
                return nil
            }
            let values = items.enumerated().compactMap { reader.string($1, path: "\(fields.path(key))[\($0)]") }
            if values.count < items.count { valid = false }
            return values
        }
        scope.models = names("models", "model")
        scope.versions = names("versions", "version")
        if let segment = fields["segment"], let pairs = reader.pairs(segment, path: fields.path("segment")) {
            for pair in pairs {
                let dimensionPath = "\(fields.path("segment")).\(pair.key)"
                guard dimensions.contains(pair.key) else {
                    let known =
                        dimensions.isEmpty
                        ? "the topology's keys name no segment dimension"
                        : (NodeReader.closest(to: pair.key, in: dimensions).map { "did you mean '\($0)'? " } ?? "")
                            + "(the dimensions in keys: \(dimensions.joined(separator: ", ")))"
                    reader.report(
                        .invalidValue, at: pair.keyMark,
                        "scope segment dimension '\(pair.key)' is in no key, so it would never match; \(known)")
                    valid = false
                    continue
                }
                guard let items = reader.sequence(pair.value, path: dimensionPath), !items.isEmpty else {
                    if pair.value.sequence?.isEmpty == true {
                        reader.report(
                            .invalidValue, at: pair.value.mark, "\(dimensionPath) must list at least one value")
                    }
                    valid = false
                    continue
                }
                let values = items.enumerated().compactMap { reader.string($1, path: "\(dimensionPath)[\($0)]") }
                if values.count < items.count { valid = false }
                scope.segment[pair.key] = values
            }
        } else if fields["segment"] != nil {
            valid = false
        }
        return valid ? scope : nil
    }
}

/// The older spelling of `op`.
private enum Direction: String, CaseIterable {
    case above
    case below
}
