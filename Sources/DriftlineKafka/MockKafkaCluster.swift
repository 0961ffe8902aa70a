import CRdKafka
import Synchronization

/// librdkafka's mock Kafka cluster: brokers speaking the Kafka protocol on loopback TCP ports, with
/// consumer groups, offset commits and fault injection — for development and tests.
///
/// Limits of the mock in librdkafka 2.0.2: it keeps only about 5 MiB per partition and silently
/// drops older records, and it lacks some admin requests (DescribeConfigs). Size workloads to fit
/// (more partitions, or consume while producing) and check record counts end to end.
public final class MockKafkaCluster: Sendable {
    /// A Kafka protocol request type, for fault injection.
    public struct APIKey: Hashable, Sendable {
        /// The Kafka protocol API key number.
        public let rawValue: Int16

        /// Wraps a Kafka protocol API key number.
        public init(rawValue: Int16) { self.rawValue = rawValue }

        /// Produce requests.
        public static let produce = APIKey(rawValue: 0)
        /// Fetch requests.
        public static let fetch = APIKey(rawValue: 1)
        /// Metadata requests.
        public static let metadata = APIKey(rawValue: 3)
        /// OffsetCommit requests.
        public static let offsetCommit = APIKey(rawValue: 8)
        /// OffsetFetch requests.
        public static let offsetFetch = APIKey(rawValue: 9)
        /// Heartbeat requests.
        public static let heartbeat = APIKey(rawValue: 12)
        /// InitProducerId requests (idempotent producers).
        public static let initProducerID = APIKey(rawValue: 22)
    }

    /// The handle the mock cluster lives in, and the cluster; nil once destroyed.
    private struct Handles: @unchecked Sendable {
        // @unchecked: the mock cluster API is thread-safe; the pointers are only used under `handles`' lock.
        let client: OpaquePointer
        let cluster: OpaquePointer
    }

    private let handles: Mutex<Handles?>
    /// The brokers' addresses, `host:port,…`, for `bootstrap.servers`.
    public let bootstrapServers: String
    /// How many brokers the cluster has (ids 1 … `brokers`).
    public let brokers: Int32

    /// Starts a cluster of `brokers` brokers (ids 1 … `brokers`).
    public init(brokers: Int) throws(KafkaError) {
        guard brokers > 0 else { throw KafkaError(.invalidArgument, "a mock Kafka cluster needs at least one broker") }
        let configuration = try KafkaProperties(["log_level": "3"]).makeConfiguration()
        let client = try KafkaProperties.makeClient(RD_KAFKA_PRODUCER, configuration)
        guard let cluster = rd_kafka_mock_cluster_new(client, Int32(brokers)) else {
            rd_kafka_destroy(client)
            throw KafkaError(.failure, "librdkafka could not start a mock cluster of \(brokers) brokers")
        }
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
        self.brokers = Int32(brokers)
        handles = Mutex(Handles(client: client, cluster: cluster))
    }

    deinit {
        destroy()
    }

    /// Creates a topic with `partitions` partitions whose leaders take turns over the brokers:
    /// partition p is led by broker `p % brokers + 1` (the mock alone picks leaders at random, and
    /// may leave a broker leading none).
    public func createTopic(_ name: String, partitions: Int, replicationFactor: Int = 1) throws(KafkaError) {
        let brokers = brokers
        let error = try withCluster { cluster in
            let created = rd_kafka_mock_topic_create(cluster, name, Int32(partitions), Int32(replicationFactor))
            guard created == RD_KAFKA_RESP_ERR_NO_ERROR else { return created }
            for partition in 0..<Int32(partitions) {
                let led = rd_kafka_mock_partition_set_leader(cluster, name, partition, partition % brokers + 1)
                guard led == RD_KAFKA_RESP_ERR_NO_ERROR else { return led }
            }
            return RD_KAFKA_RESP_ERR_NO_ERROR
        }
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(error, "cannot create mock topic '\(name)' with \(partitions) partitions")
        }
    }

    /// Takes broker `id` down: its connections close and it accepts none until `setBrokerUp`.
    public func setBrokerDown(_ id: Int32) throws(KafkaError) {
        let error = try withCluster { rd_kafka_mock_broker_set_down($0, id) }
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(error, "cannot take mock broker \(id) down") }
    }

    /// Brings broker `id` back.
    public func setBrokerUp(_ id: Int32) throws(KafkaError) {
        let error = try withCluster { rd_kafka_mock_broker_set_up($0, id) }
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(error, "cannot bring mock broker \(id) up") }
    }

    /// Makes the next requests of type `apiKey` (to any broker) fail with `errors`, one per request, in order.
    public func pushRequestErrors(apiKey: APIKey, errors: [KafkaError.Code]) throws(KafkaError) {
        var codes = errors.map { rd_kafka_resp_err_t(rawValue: $0.rawValue) }
        try withCluster { rd_kafka_mock_push_request_errors_array($0, apiKey.rawValue, codes.count, &codes) }
    }

    /// Stops the brokers; later calls on the cluster throw.
    public func destroy() {
        guard
            let handles = handles.withLock({ current in
                defer { current = nil }; return current
            })
        else { return }
        rd_kafka_mock_cluster_destroy(handles.cluster)
        rd_kafka_destroy(handles.client)
    }

    private func withCluster<Result: Sendable>(_ body: (OpaquePointer) -> Result) throws(KafkaError) -> Result {
        let result: Result? = handles.withLock { $0.map { body($0.cluster) } }
        guard let result else { throw KafkaError(.invalidArgument, "the mock Kafka cluster was destroyed") }
        return result
    }
}
