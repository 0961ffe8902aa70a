extension TelemetryScenario {
    /// One category of a categorical feature and the proportion of events that carry it.
    public struct CategoryShare: Sendable, Equatable {
        /// The category's value.
        public var name: String
        /// Its proportion in [0, 1].
        public var proportion: Double

        /// A category and its proportion.
        public init(_ name: String, _ proportion: Double) {
            self.name = name
            self.proportion = proportion
        }

        /// Checks that `shares` name distinct categories with proportions adding up to 1.
        static func validate(_ shares: [CategoryShare], of feature: String) throws(ScenarioError) {
            let total = shares.reduce(0) { $0 + $1.proportion }
            guard !shares.isEmpty, shares.allSatisfy({ $0.proportion >= 0 }), abs(total - 1) < 1e-6 else {
                throw ScenarioError(
                    .invalidParameter,
                    "the proportions of \(feature) must be non-negative and add up to 1 (they add up to \(total))")
            }
            guard Set(shares.map(\.name)).count == shares.count else {
                throw ScenarioError(.invalidParameter, "\(feature) names a category twice")
            }
        }
    }
}
