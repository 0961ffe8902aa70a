extension TelemetryScenario {
    /// A numeric input feature drawn from a normal distribution (written with 3 decimals).
    public struct NumericFeature: Sendable, Equatable {
        /// The feature's name in `features`.
        public var name: String
        /// Mean before any drift.
        public var mean: Double
        /// Standard deviation (σ); a `featureShift` of k moves the mean by k·σ.
        public var standardDeviation: Double

        /// A normal feature.
        public init(name: String, mean: Double, standardDeviation: Double) {
            self.name = name
            self.mean = mean
            self.standardDeviation = standardDeviation
        }

        /// Ten process signals of a robotic welding cell.
        public static let weldingDefaults: [NumericFeature] = [
            NumericFeature(name: "temp_c", mean: 412, standardDeviation: 15),
            NumericFeature(name: "current_a", mean: 180, standardDeviation: 12),
            NumericFeature(name: "voltage_v", mean: 24, standardDeviation: 1.5),
            NumericFeature(name: "wire_speed", mean: 8.5, standardDeviation: 0.6),
            NumericFeature(name: "gas_flow", mean: 15, standardDeviation: 1.2),
            NumericFeature(name: "travel_speed", mean: 35, standardDeviation: 3),
            NumericFeature(name: "arc_length", mean: 4, standardDeviation: 0.4),
            NumericFeature(name: "torch_angle", mean: 15, standardDeviation: 3),
            NumericFeature(name: "humidity_pct", mean: 45, standardDeviation: 8),
            NumericFeature(name: "vibration_rms", mean: 0.8, standardDeviation: 0.15),
        ]
    }
}
