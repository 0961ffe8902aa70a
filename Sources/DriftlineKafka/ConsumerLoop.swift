import CRdKafka
import DriftlineConnectors
import DriftlineCore
import Foundation
import Synchronization

/// The polling side of a `KafkaConsumer`: owns the librdkafka handle and runs on the consumer's own
/// thread, where librdkafka also calls its callbacks (rebalance, errors, logs, commit results).
///
/// `@unchecked Sendable`: it is handed to its thread once; from then on only that thread touches
/// its mutable state (the callbacks run inside the polls, commits and close that thread makes).
/// Other threads reach the consumer only through the `ConsumerControl`.
final class ConsumerLoop: @unchecked Sendable {
    private let control: ConsumerControl
    private let queue: SourceQueue
    private let source: Int
    private let log: @Sendable (String) -> Void
    private let batchSize: Int
    private let pollTimeoutMs: Int32
    private let handshakeTimeout: Duration
    private var client: OpaquePointer?
    private var consumerQueue: OpaquePointer?
    private let messageBuffer: UnsafeMutablePointer<UnsafeMutablePointer<rd_kafka_message_t>?>
    /// Records consumed but not yet accepted by the engine's queue.
    private var pending: RecordBatch?
    /// Whether the assigned partitions are paused because the engine's queue stayed full.
    private var paused = false
    /// Since when `pending` has been waiting for room in the engine's queue.
    private var fullSince: ContinuousClock.Instant?
    /// How long the engine's queue may stay full before the assignment is paused.
    private let pauseAfter: Duration = .seconds(1)

    init(
        configuration: OpaquePointer, control: ConsumerControl, queue: SourceQueue, source: Int, batchSize: Int,
        pollTimeout: Duration, handshakeTimeout: Duration, log: @escaping @Sendable (String) -> Void
    ) throws(KafkaError) {
        self.control = control
        self.queue = queue
        self.source = source
        self.log = log
        self.batchSize = batchSize
        self.pollTimeoutMs = Int32(
            pollTimeout.components.seconds * 1000 + pollTimeout.components.attoseconds / 1_000_000_000_000_000)
        self.handshakeTimeout = handshakeTimeout
        messageBuffer = .allocate(capacity: batchSize)
        rd_kafka_conf_set_opaque(configuration, Unmanaged.passUnretained(self).toOpaque())
        rd_kafka_conf_set_rebalance_cb(configuration, Self.rebalanceCallback)
        rd_kafka_conf_set_error_cb(configuration, Self.errorCallback)
        rd_kafka_conf_set_log_cb(configuration, Self.logCallback)
        rd_kafka_conf_set_offset_commit_cb(configuration, Self.commitCallback)
        let client: OpaquePointer
        do {
            client = try KafkaProperties.makeClient(RD_KAFKA_CONSUMER, configuration)
        } catch {
            messageBuffer.deallocate()
            throw error
        }
        self.client = client
        // Logs to the main queue (served by `serveMainQueue`), not from librdkafka's own threads.
        rd_kafka_set_log_queue(client, nil)
        consumerQueue = rd_kafka_queue_get_consumer(client)
    }

    deinit {
        messageBuffer.deallocate()
    }

    func subscribe(_ topics: [String]) throws(KafkaError) {
        let list = rd_kafka_topic_partition_list_new(Int32(topics.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for topic in topics { rd_kafka_topic_partition_list_add(list, topic, -1) }
        let error = rd_kafka_subscribe(client, list)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(error, "cannot subscribe to \(topics.joined(separator: ", "))")
        }
    }

    /// The thread's body: consume and hand over batches until stopped, then close.
    func run() {
        while !control.isStopping {
            // While a batch waits for room, librdkafka's own prefetch bound holds the input back;
            // once paused, polling goes on so rebalances are still served.
            if pending == nil || paused { consume() }
            deliverPending()
            serveMainQueue()
            commit(control.takeCommits(), synchronously: false)
        }
        close()
        control.finished.signal()
    }

    /// Commits what the engine handed over, closes (which revokes the assignment) and destroys.
    func close() {
        guard let client else { return }
        commit(control.takeCommits(), synchronously: true)
        let error = rd_kafka_consumer_close(client)
        if error != RD_KAFKA_RESP_ERR_NO_ERROR { log(KafkaError(error, "Kafka consumer close").message) }
        serveMainQueue()
        rd_kafka_queue_destroy(consumerQueue)
        consumerQueue = nil
        rd_kafka_destroy(client)
        self.client = nil
    }

    // MARK: Consuming

    /// Waits up to the poll timeout for a first message, then takes what else is ready, up to a batch.
    private func consume() {
        var count = rd_kafka_consume_batch_queue(consumerQueue, 0, messageBuffer, batchSize)
        if count == 0, let first = rd_kafka_consume_queue(consumerQueue, pollTimeoutMs) {
            messageBuffer[0] = first
            count = 1 + max(0, rd_kafka_consume_batch_queue(consumerQueue, 0, messageBuffer + 1, batchSize - 1))
        }
        guard count > 0 else { return }
        var batch = pending.take() ?? queue.emptyBatch(source: source, capacity: count)
        var total = 0
        for index in 0..<count { total += messageBuffer[index]!.pointee.len + messageBuffer[index]!.pointee.key_len }
        // Grown with headroom, so recycled storage (see `SourceQueue.recycle`) fits the next batches too.
        let needed = batch.bytes.count + total
        if needed > batch.bytes.capacity { batch.bytes.reserveCapacity(needed + needed / 2) }
        var lastTopic: OpaquePointer?
        var lastTopicIndex: Int32 = 0
        var added = 0
        var addedBytes = 0
        var firstError: KafkaError?
        var errorCount = 0
        for index in 0..<count {
            let message = messageBuffer[index]!
            defer { rd_kafka_message_destroy(message) }
            let fields = message.pointee
            guard fields.err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                errorCount += 1
                if firstError == nil { firstError = KafkaError(fields.err, "Kafka consume") }
                continue
            }
            if fields.rkt != lastTopic {
                lastTopic = fields.rkt
                lastTopicIndex = batch.topicIndex(String(cString: rd_kafka_topic_name(fields.rkt)))
            }
            var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
            let timestamp = rd_kafka_message_timestamp(message, &timestampType)
            var headers: OpaquePointer?
            let hasHeaders = rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR
            batch.append(
                payload: UnsafeRawBufferPointer(start: fields.payload, count: fields.len),
                key: fields.key.map { UnsafeRawBufferPointer(start: $0, count: fields.key_len) },
                topic: lastTopicIndex, partition: fields.partition, offset: fields.offset,
                timestamp: timestamp >= 0 ? timestamp : nil,
                headers: hasHeaders ? { Self.copyHeaders(headers, into: &$0) } : nil)
            added += 1
            addedBytes += fields.len
        }
        control.messages.add(added, ordering: .relaxed)
        control.bytes.add(addedBytes, ordering: .relaxed)
        if let firstError {
            control.errors.add(errorCount, ordering: .relaxed)
            log("\(errorCount) Kafka consume error(s), first: \(firstError.message)")
        }
        if !batch.records.isEmpty {
            queue.decode(&batch)
            pending = batch
        }
    }

    /// Appends every header of a message in `RecordHeaders` form.
    private static func copyHeaders(_ headers: OpaquePointer?, into bytes: inout [UInt8]) {
        var index = 0
        var name: UnsafePointer<CChar>?
        var value: UnsafeRawPointer?
        var size = 0
        while rd_kafka_header_get_all(headers, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
            if let name {
                RecordHeaders.append(
                    name: UnsafeRawBufferPointer(start: name, count: strlen(name)),
                    value: value.map { UnsafeRawBufferPointer(start: $0, count: size) }, to: &bytes)
            }
            index += 1
        }
    }

    /// Hands pending records to the engine, waiting up to 100 ms for room in its queue. After the
    /// queue has stayed full for `pauseAfter` the assignment is paused (which makes librdkafka drop
    /// what it prefetched, to fetch it again on resume), so polls go on without taking records.
    private func deliverPending() {
        if let batch = pending {
            guard queue.put(.records(batch), timeout: .milliseconds(100)) else {
                let since = fullSince ?? .now
                fullSince = since
                if !paused && ContinuousClock.now - since >= pauseAfter { setPaused(true) }
                return
            }
            pending = nil
            fullSince = nil
        }
        if paused { setPaused(false) }
    }

    private func setPaused(_ pause: Bool) {
        var assignment: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        guard rd_kafka_assignment(client, &assignment) == RD_KAFKA_RESP_ERR_NO_ERROR, let assignment else { return }
        defer { rd_kafka_topic_partition_list_destroy(assignment) }
        let error =
            pause ? rd_kafka_pause_partitions(client, assignment) : rd_kafka_resume_partitions(client, assignment)
        if error != RD_KAFKA_RESP_ERR_NO_ERROR { log(KafkaError(error, "Kafka pause/resume").message) }
        paused = pause
    }

    /// Serves errors, logs and commit results, which librdkafka queues apart from the messages.
    private func serveMainQueue() {
        rd_kafka_poll(client, 0)
    }

    private func commit(_ offsets: [PartitionID: Int64], synchronously: Bool) {
        guard !offsets.isEmpty else { return }
        let list = PartitionList.make(offsets)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        // The result, of synchronous commits too, reaches `commitCallback` through the main queue.
        rd_kafka_commit(client, list, synchronously ? 0 : 1)
    }

    // MARK: Rebalancing

    private func rebalance(_ event: rd_kafka_resp_err_t, _ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>)
    {
        let cooperative = String(cString: rd_kafka_rebalance_protocol(client)) == "COOPERATIVE"
        let partitions = PartitionList.partitions(list)
        switch event {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            if cooperative {
                if let error = rd_kafka_incremental_assign(client, list) {
                    log("Kafka incremental assign failed: \(String(cString: rd_kafka_error_string(error)))")
                    rd_kafka_error_destroy(error)
                }
            } else {
                rd_kafka_assign(client, list)
            }
            // librdkafka keeps a partition's pause across revoke and assign: set it afresh.
            if paused { rd_kafka_pause_partitions(client, list) } else { rd_kafka_resume_partitions(client, list) }
            queue.put(.assigned(source: source, partitions: partitions))
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            if !control.isStopping { handOver(partitions) }
            commit(control.takeCommits(), synchronously: true)
            if cooperative {
                if let error = rd_kafka_incremental_unassign(client, list) { rd_kafka_error_destroy(error) }
            } else {
                rd_kafka_assign(client, nil)
            }
        default:
            control.errors.add(1, ordering: .relaxed)
            log(KafkaError(event, "Kafka rebalance").message)
            rd_kafka_assign(client, nil)
        }
    }

    /// Gives the engine everything consumed so far, then tells it the partitions are going and waits
    /// (bounded) until it has handed their state over and committed.
    private func handOver(_ partitions: [PartitionID]) {
        if let batch = pending {
            pending = nil
            if !queue.put(.records(batch), timeout: handshakeTimeout) {
                log(
                    "Kafka source \(source): the engine took no records for \(handshakeTimeout); \(batch.records.count) will be read again by the next owner"
                )
            }
        }
        let done = Handshake()
        guard queue.put(.revoked(source: source, partitions: partitions, done: done)) else { return }
        if !done.wait(timeout: handshakeTimeout) {
            control.handshakeTimeouts.add(1, ordering: .relaxed)
            log(
                "Kafka source \(source): the engine did not confirm the hand-over of \(partitions.count) revoked partition(s) within \(handshakeTimeout); letting the rebalance go on"
            )
        }
    }

    // MARK: C callbacks (capture nothing; the loop travels as the opaque pointer)

    private static func loop(_ opaque: UnsafeMutableRawPointer?) -> ConsumerLoop {
        Unmanaged<ConsumerLoop>.fromOpaque(opaque!).takeUnretainedValue()
    }

    private static let rebalanceCallback:
        @convention(c) (
            OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?,
            UnsafeMutableRawPointer?
        ) -> Void = { _, event, list, opaque in
            guard let list else { return }
            loop(opaque).rebalance(event, list)
        }

    private static let errorCallback:
        @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void = {
            _, code, reason, opaque in
            let loop = loop(opaque)
            loop.control.errors.add(1, ordering: .relaxed)
            let error = KafkaError(rd_kafka_resp_err_t(rawValue: code), "Kafka consumer error")
            loop.log(error.message + (reason.map { " — " + String(cString: $0) } ?? ""))
        }

    private static let logCallback:
        @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Void = {
            client, level, facility, line in
            guard let client, let opaque = rd_kafka_opaque(client) else { return }
            loop(opaque).log(
                "librdkafka[\(level)] \(facility.map { String(cString: $0) } ?? ""): \(line.map { String(cString: $0) } ?? "")"
            )
        }

    private static let commitCallback:
        @convention(c) (
            OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?,
            UnsafeMutableRawPointer?
        ) -> Void = { _, error, _, opaque in
            guard error != RD_KAFKA_RESP_ERR_NO_ERROR, error != RD_KAFKA_RESP_ERR__NO_OFFSET else { return }
            let loop = loop(opaque)
            loop.control.commitFailures.add(1, ordering: .relaxed)
            loop.log(KafkaError(error, "Kafka offset commit").message)
        }
}
