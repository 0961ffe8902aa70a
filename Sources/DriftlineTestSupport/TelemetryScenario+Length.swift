extension TelemetryScenario {
    /// How long a stream runs.
    public enum Length: Sendable, Equatable {
        /// Inferences whose nominal event time is before `startMs + milliseconds`.
        case duration(milliseconds: Int64)
        /// Exactly this many inferences.
        case inferenceCount(Int)
    }
}
