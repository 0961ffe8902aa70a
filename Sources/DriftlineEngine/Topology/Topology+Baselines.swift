public import DriftlineCore

extension Topology {
    /// What the baselines show to be wrong in the rules: a rule on the PSI of a named feature that
    /// no baseline in its scope has (PSI needs the feature's reference bins), each reported at the
    /// rule's metric in `file`. Missing rates need no baseline and are not checked.
    public func ruleMistakes(against baselines: [Baseline], file: String) -> [TopologyError.Diagnostic] {
        var mistakes: [TopologyError.Diagnostic] = []
        for (index, rule) in rules.enumerated() {
            guard case .psi(.named(let feature)) = rule.metric else { continue }
            let inScope = baselines.filter {
                (rule.scope.models?.contains($0.model) ?? true) && (rule.scope.versions?.contains($0.version) ?? true)
            }
            guard !inScope.contains(where: { $0.features.contains { $0.name == feature } }) else { continue }
            let position = index < rulePositions.count ? rulePositions[index] : SourcePosition(line: 0, column: 0)
            let known = Set(inScope.flatMap { $0.features.map(\.name) }).sorted()
            let why =
                inScope.isEmpty
                ? "no baseline is loaded for the models and versions it judges"
                : "no baseline it judges against has that feature (they have: \(known.joined(separator: ", ")))"
            mistakes.append(
                .init(
                    code: .invalidValue, file: file, line: position.line, column: position.column,
                    message: "rule '\(rule.name)' watches psi[\(feature)], but \(why)"))
        }
        return mistakes
    }
}
