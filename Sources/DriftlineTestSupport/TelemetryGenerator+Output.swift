extension TelemetryGenerator {
    /// What a generator writes.
    public enum Output: Sendable, Equatable {
        /// The live stream: inferences, delayed labels and resource events, with drift.
        case stream
        /// An offline reference set: inferences with features only, from the pre-drift distribution.
        case referenceRows
        /// An offline test set: inferences with prediction, score, latency and an inline label, at
        /// the offline accuracy, without drift.
        case testRows
    }
}
