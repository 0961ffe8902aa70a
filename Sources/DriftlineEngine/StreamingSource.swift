import DriftlineConnectors
import DriftlineKafka

/// A source that runs on its own thread and delivers through the engine's `SourceQueue`.
protocol StreamingSource: AnyObject {
    func start() throws
    /// Commits the next offsets to read (Kafka); sources without offsets ignore it.
    func commit(_ offsets: [PartitionID: Int64])
    func stop()
}

extension KafkaConsumer: StreamingSource {}
