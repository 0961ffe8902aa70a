extension TelemetryScenario {
    /// A categorical input feature drawn with fixed proportions.
    public struct CategoricalFeature: Sendable, Equatable {
        /// The feature's name in `features`.
        public var name: String
        /// The categories and their proportions before any drift (they add up to 1).
        public var categories: [CategoryShare]

        /// A categorical feature.
        public init(name: String, categories: [CategoryShare]) {
            self.name = name
            self.categories = categories
        }

        /// The welded material and the work shift.
        public static let weldingDefaults: [CategoricalFeature] = [
            CategoricalFeature(
                name: "material",
                categories: [
                    CategoryShare("S355", 0.6), CategoryShare("S235", 0.3), CategoryShare("AL6061", 0.1),
                ]),
            CategoricalFeature(
                name: "shift",
                categories: [CategoryShare("A", 0.4), CategoryShare("B", 0.35), CategoryShare("C", 0.25)]),
        ]
    }
}
