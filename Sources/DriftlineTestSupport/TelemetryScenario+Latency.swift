extension TelemetryScenario {
    /// Serving latency: lognormal, `latency_ms = medianMs · exp(sigma · z)` with z standard normal,
    /// times the multipliers of the `latencySpike`s in force (written with 3 decimals).
    public struct Latency: Sendable, Equatable {
        /// The median latency in milliseconds.
        public var medianMs: Double
        /// Standard deviation of the latency's natural logarithm.
        public var sigma: Double

        /// Median 18 ms, sigma 0.45: p99 ≈ 18 · e^(2.326 · 0.45) ≈ 51 ms.
        public init(medianMs: Double = 18, sigma: Double = 0.45) {
            self.medianMs = medianMs
            self.sigma = sigma
        }
    }
}
