import DriftlineConnectors

/// A source that runs on its own thread and delivers through the engine's `SourceQueue`.
protocol StreamingSource: AnyObject {
    func start() throws
    /// Commits the next offsets to read (Kafka); sources without offsets ignore it.
    func commit(_ offsets: [PartitionID: Int64])
    func stop()
}

/// Builds the streaming (Kafka, MQTT) sources and sinks a topology names.
public struct StreamingConnectors: Sendable {
    public init() {}
}
