import DriftlineKafka
import Foundation

/// Output records to a Kafka topic through an idempotent producer, keyed by their deterministic id.
///
/// librdkafka sends in the background and retries; `sync()` waits for every delivery report (while
/// a broker is away the engine's intake waits with it, saying so every `stallNotice`) and fails
/// when a record could not be delivered within librdkafka's `message.timeout.ms`, so the engine
/// does not commit the input offsets that produced it (after a restart the record is produced
/// again, never lost).
final class KafkaSink: OutputSink {
    private let producer: KafkaProducer
    private let topic: String
    private var failuresSeen = 0

    init(topic: String, connection: Topology.KafkaConnection) throws {
        self.topic = topic
        producer = try KafkaProducer(properties: KafkaProperties(connection.properties))
    }

    deinit {
        producer.close()
    }

    func write(_ record: [UInt8], key: String) throws {
        try producer.produce(topic: topic, key: key, value: record)
    }

    func flush() throws {}

    /// How often a sink waiting for acknowledgements says so.
    static let stallNotice: Duration = .seconds(10)

    func sync() throws {
        var waited: Duration = .zero
        while !producer.flush(timeout: Self.stallNotice) {
            waited += Self.stallNotice
            let counters = producer.counters
            let outstanding = counters.produced - counters.delivered - counters.failed
            FileHandle.standardError.write(
                Data(
                    ("driftline: Kafka topic \(topic): \(outstanding) record(s) not acknowledged after "
                        + "\(waited.components.seconds) s; intake waits for them\n").utf8))
        }
        let failed = producer.counters.failed
        defer { failuresSeen = failed }
        guard failed == failuresSeen else {
            let last = producer.failures.last.map { ": \($0)" } ?? ""
            throw ConnectorErrorText("Kafka topic \(topic): \(failed - failuresSeen) record(s) not delivered\(last)")
        }
    }
}

/// A sink or source failure to report, with its reason.
struct ConnectorErrorText: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
