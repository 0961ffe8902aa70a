import CRdKafka
public import DriftlineConnectors
import Foundation

/// A Kafka consumer-group member that feeds a `SourceQueue` from its own thread.
///
/// It polls librdkafka in batches and hands each batch over as `.records`; group assignments arrive
/// as `.assigned`, revocations as `.revoked` with a `Handshake` the consumer waits for (bounded)
/// before the partitions go, so the engine can hand their state over and commit first. Offsets are
/// committed only through `commit(_:)` (`enable.auto.commit` and `enable.auto.offset.store` are
/// always off). When the queue is full the consumer stops taking records, so librdkafka's prefetch
/// bound holds the input back; if it stays full for a second the assignment is paused until it has
/// room, and polling goes on to serve rebalances. Nothing is dropped.
public final class KafkaConsumer: Sendable {
    /// What the consumer has done so far, for metrics.
    public struct Counters: Sendable, Equatable {
        /// Records handed over (payloads copied into batches).
        public var messages: Int
        /// Payload bytes of those records.
        public var bytes: Int
        /// Errors librdkafka reported (broker connections, fetches, rebalances).
        public var errors: Int
        /// Offset commits that failed.
        public var commitFailures: Int
        /// Revocations the engine did not confirm within the hand-over timeout.
        public var handshakeTimeouts: Int
    }

    private let control = ConsumerControl()
    private let loop: ConsumerLoop
    private let topics: [String]

    /// Creates a consumer; it joins the group when started.
    ///
    /// - Parameters:
    ///   - properties: librdkafka properties (`bootstrap.servers` and `group.id` are required; any
    ///     other, e.g. `security.protocol`, `sasl.*`, `ssl.*`, `fetch.*`, is passed through).
    ///     Defaults: `auto.offset.reset=earliest`; the prefetch is bounded by bytes alone,
    ///     `queued.max.messages.kbytes=131072` and `queued.min.messages=10000000`: librdkafka before
    ///     2.3 stops fetching for a whole second each time either bound is reached, so the prefetch
    ///     must hold about a second of input for catch-up reads to run at full speed.
    ///   - topics: topic names, or patterns starting with `^` (regular expressions).
    ///   - source: the topology source index stamped on every message.
    ///   - queue: where batches and rebalance messages go.
    ///   - batchSize: the most records taken per poll.
    ///   - pollTimeout: how long one poll waits for a first record.
    ///   - handshakeTimeout: how long a revocation waits for the engine's hand-over.
    ///   - log: receives errors and librdkafka's log lines (default: standard error).
    public init(
        properties: KafkaProperties, topics: [String], source: Int, queue: SourceQueue, batchSize: Int = 10_000,
        pollTimeout: Duration = .milliseconds(100), handshakeTimeout: Duration = .seconds(30),
        log: @escaping @Sendable (String) -> Void = KafkaLog.standardError
    ) throws(KafkaError) {
        guard properties["group.id"] != nil else {
            throw KafkaError(.invalidArgument, "a Kafka source needs the 'group.id' property (its consumer group)")
        }
        guard !topics.isEmpty, batchSize > 0 else {
            throw KafkaError(.invalidArgument, "a Kafka source needs at least one topic and a positive batch size")
        }
        var forced = properties
        forced["enable.auto.commit"] = "false"
        forced["enable.auto.offset.store"] = "false"
        forced["log.queue"] = "true"
        // A member that crashed holds its partitions until its session times out: 10 s rather than
        // librdkafka's 45 s, so a restarted engine gets them back that much sooner (the consumer
        // thread heartbeats every 3 s even while the engine waits on backpressure).
        let configuration = try forced.makeConfiguration(defaults: [
            "auto.offset.reset": "earliest", "queued.max.messages.kbytes": "131072", "queued.min.messages": "10000000",
            "session.timeout.ms": "10000",
        ])
        self.topics = topics
        loop = try ConsumerLoop(
            configuration: configuration, control: control, queue: queue, source: source, batchSize: batchSize,
            pollTimeout: pollTimeout, handshakeTimeout: handshakeTimeout, log: log)
    }

    deinit {
        stop()
    }

    /// Subscribes and starts the polling thread. Throws when the subscription is rejected or the
    /// consumer was started or stopped before.
    public func start() throws(KafkaError) {
        guard control.beginRunning() else {
            throw KafkaError(.invalidArgument, "a Kafka consumer can be started only once")
        }
        do {
            try loop.subscribe(topics)
        } catch {
            stop()
            throw error
        }
        let loop = loop
        ConnectorThread.start(name: "kafka-consumer") { loop.run() }
    }

    /// Commits offsets (the next offset to read per partition) asynchronously, from the consumer's
    /// thread. Call it only once the state covering the records before them has been handed over.
    /// A revocation commits what was given before letting its partitions go. Thread-safe.
    public func commit(_ offsets: [PartitionID: Int64]) {
        control.addCommits(offsets)
    }

    /// Commits what was given to `commit(_:)`, leaves the group (revoking without a hand-over: the
    /// engine commits what it has handed over before calling this), and joins the polling thread.
    public func stop() {
        switch control.beginStopping() {
        case .joinThread: control.finished.wait()
        case .closeHere: loop.close()
        case .nothing: break
        }
    }

    /// The counters so far.
    public var counters: Counters { control.counters }
}
