import DriftlineConnectors

/// Where one stream of output records goes: a file, standard output, a Kafka topic, an MQTT topic.
///
/// Records arrive encoded, with their deterministic id as the key (Kafka message key, dedup key).
protocol OutputSink: AnyObject {
    /// Queues one record.
    func write(_ record: [UInt8], key: String) throws
    /// Pushes out what is buffered (cheap; once per processed batch).
    func flush() throws
    /// Waits until everything written so far is durable or delivered (before offsets are
    /// committed); throws when it cannot be.
    func sync() throws
    /// Publishes a whole-model window result as the model's latest status (MQTT's retained
    /// status topic); other sinks ignore it.
    func writeStatus(_ record: [UInt8], model: String, version: String) throws
}

extension OutputSink {
    func writeStatus(_ record: [UInt8], model: String, version: String) throws {}
}

/// NDJSON lines to a file or standard output.
final class FileSink: OutputSink {
    private let writer: RecordWriter

    init(_ writer: RecordWriter) {
        self.writer = writer
    }

    func write(_ record: [UInt8], key: String) throws {
        writer.write(record)
    }

    func flush() throws {
        try writer.flush()
    }

    func sync() throws {
        try writer.flush()
    }
}
