import CRdKafka
import DriftlineConnectors
import Foundation
import Synchronization

/// An idempotent Kafka producer (`enable.idempotence=true`) for window results, alerts and retrain
/// triggers, with its own thread serving delivery reports.
///
/// librdkafka retries failed sends itself; a record it finally gives up on is counted, logged,
/// kept in `failures` and passed to the failure handler — never dropped silently.
public final class KafkaProducer: Sendable {
    /// A record librdkafka could not deliver.
    public struct DeliveryFailure: Sendable, CustomStringConvertible {
        /// The topic it was produced to.
        public var topic: String
        /// Its key (the record's deterministic id), if it had one.
        public var key: String?
        /// Why it failed.
        public var error: KafkaError

        public var description: String { "\(topic) key \(key ?? "(none)"): \(error.message)" }
    }

    /// What the producer has done so far, for metrics.
    public struct Counters: Sendable, Equatable {
        /// Records accepted by `produce`.
        public var produced: Int
        /// Records the brokers acknowledged.
        public var delivered: Int
        /// Records that failed after librdkafka's retries.
        public var failed: Int
    }

    /// How many failures `failures` keeps (the counter keeps counting past it).
    public static let keptFailures = 10_000

    private let core: ProducerCore

    /// Creates a producer and starts its delivery-report thread.
    ///
    /// - Parameters:
    ///   - properties: librdkafka properties (`bootstrap.servers` is required; any other is passed
    ///     through). `enable.idempotence` is always on.
    ///   - onFailure: called on the producer's thread for each record that could not be delivered.
    ///   - log: receives errors and librdkafka's log lines (default: standard error).
    public init(
        properties: KafkaProperties, onFailure: (@Sendable (DeliveryFailure) -> Void)? = nil,
        log: @escaping @Sendable (String) -> Void = KafkaLog.standardError
    ) throws(KafkaError) {
        var forced = properties
        forced["enable.idempotence"] = "true"
        forced["log.queue"] = "true"
        core = try ProducerCore(configuration: try forced.makeConfiguration(), onFailure: onFailure, log: log)
        let core = core
        ConnectorThread.start(name: "kafka-producer") { core.pollUntilClosed() }
    }

    deinit {
        close()
    }

    /// Queues a record (blocking while librdkafka's send queue is full). Throws when the producer is
    /// closed or librdkafka rejects the record outright (unknown partition, oversize).
    public func produce(topic: String, key: String?, value: [UInt8]) throws(KafkaError) {
        try core.produce(topic: topic, key: key, value: value)
    }

    /// Waits until every queued record is delivered or failed; false when `timeout` passed first.
    public func flush(timeout: Duration) -> Bool {
        core.flush(timeout: timeout)
    }

    /// Flushes (up to `timeout`), fails what is still queued, stops the thread and releases the producer.
    public func close(timeout: Duration = .seconds(10)) {
        core.close(timeout: timeout)
    }

    /// The records that could not be delivered (the first `keptFailures`).
    public var failures: [DeliveryFailure] { core.failures }

    /// The counters so far.
    public var counters: Counters { core.counters }
}
