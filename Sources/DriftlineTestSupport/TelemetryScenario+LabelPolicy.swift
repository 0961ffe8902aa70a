extension TelemetryScenario {
    /// How ground truth reaches the engine.
    ///
    /// Each inference carries its label inline with probability `inlineFraction`, gets a later
    /// `label` event with probability `delayedFraction`, and is never labelled otherwise. A delayed
    /// label's `ts` is the inference's `ts` plus a delay of `delayMedianMs · exp(delaySigma · z)`
    /// (z standard normal), rounded to a millisecond and capped at `maxDelayMs`.
    public struct LabelPolicy: Sendable, Equatable {
        /// Share of inferences with an inline `label`.
        public var inlineFraction: Double
        /// Share of inferences labelled later by a `label` event.
        public var delayedFraction: Double
        /// Median delay of a label event after its inference, milliseconds.
        public var delayMedianMs: Double
        /// Standard deviation of the delay's natural logarithm (0: every delay is the median).
        public var delaySigma: Double
        /// Largest delay, milliseconds.
        public var maxDelayMs: Double

        /// 5% inline, 55% delayed (median 10 min, sigma 0.5, at most 45 min), 40% never labelled.
        public init(
            inlineFraction: Double = 0.05, delayedFraction: Double = 0.55, delayMedianMs: Double = 600_000,
            delaySigma: Double = 0.5, maxDelayMs: Double = 2_700_000
        ) {
            self.inlineFraction = inlineFraction
            self.delayedFraction = delayedFraction
            self.delayMedianMs = delayMedianMs
            self.delaySigma = delaySigma
            self.maxDelayMs = maxDelayMs
        }
    }
}
