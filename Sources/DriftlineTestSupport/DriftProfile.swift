/// The generating parameters in force under one combination of active drift episodes.
struct DriftProfile: Sendable {
    /// Which of the scenario's drifts are active (bit i for `drifts[i]`).
    let activeDrifts: UInt64
    /// Mean of each numeric feature.
    let means: [Double]
    /// Per categorical feature, the cumulative proportions over `FragmentLayout.categoryNames`,
    /// ending at exactly 1 at the last category that can occur.
    let cumulative: [[Double]]
    /// Probability of a right prediction.
    let accuracy: Double
    /// Factor on every latency.
    let latencyMultiplier: Double

    init(_ scenario: TelemetryScenario, categoryNames: [[String]], activeDrifts: UInt64) {
        self.activeDrifts = activeDrifts
        var means = scenario.numericFeatures.map(\.mean)
        var shares: [[TelemetryScenario.CategoryShare]] = scenario.categoricalFeatures.map(\.categories)
        var accuracy = scenario.task.offlineAccuracy
        var latencyMultiplier = 1.0
        for (index, drift) in scenario.drifts.enumerated() where activeDrifts & (1 << UInt64(index)) != 0 {
            switch drift.change {
            case .featureShift(let feature, let sigmas):
                if let f = scenario.numericFeatures.firstIndex(where: { $0.name == feature }) {
                    means[f] += sigmas * scenario.numericFeatures[f].standardDeviation
                }
            case .categoryShift(let feature, let proportions):
                if let f = scenario.categoricalFeatures.firstIndex(where: { $0.name == feature }) {
                    shares[f] = proportions
                }
            case .accuracyDrop(let to):
                accuracy = to
            case .latencySpike(let multiplier):
                latencyMultiplier *= multiplier
            }
        }
        self.means = means
        self.accuracy = accuracy
        self.latencyMultiplier = latencyMultiplier
        cumulative = categoryNames.indices.map { f in
            let weights = categoryNames[f].map { name in shares[f].first { $0.name == name }?.proportion ?? 0 }
            let total = weights.reduce(0, +)
            var running = 0.0
            var bounds = weights.map { weight in
                running += weight / total
                return running
            }
            if let last = weights.lastIndex(where: { $0 > 0 }) {
                for index in last..<bounds.count { bounds[index] = 1 }
            }
            return bounds
        }
    }
}
