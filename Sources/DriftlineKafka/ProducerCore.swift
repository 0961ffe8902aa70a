import CRdKafka
import Dispatch
import Foundation
import Synchronization

/// The shared state of a `KafkaProducer`: its librdkafka handle, topic handles and life cycle. librdkafka's producer calls are thread-safe; the life-cycle state keeps them from
/// running once the handle is being destroyed.
final class ProducerCore: Sendable {
    private struct Pointer: @unchecked Sendable {
        // @unchecked: librdkafka client and topic handles may be used from any thread.
        let raw: OpaquePointer
    }

    private struct State {
        var closing = false
        /// `produce` calls inside librdkafka right now.
        var active = 0
        var topics: [String: Pointer] = [:]
    }

    private let client: Pointer
    private let state = Mutex(State())
    private let stopPolling = Atomic<Bool>(false)
    private let pollingStopped = DispatchSemaphore(value: 0)
    private let produced = Atomic<Int>(0)
    private let reports: DeliveryReports

    init(
        configuration: OpaquePointer, onFailure: (@Sendable (KafkaProducer.DeliveryFailure) -> Void)?,
        log: @escaping @Sendable (String) -> Void
    ) throws(KafkaError) {
        reports = DeliveryReports(onFailure: onFailure, log: log)
        reports.install(in: configuration)
        client = Pointer(raw: try KafkaProperties.makeClient(RD_KAFKA_PRODUCER, configuration))
        rd_kafka_set_log_queue(client.raw, nil)
    }

    /// The delivery-report thread's body.
    func pollUntilClosed() {
        while !stopPolling.load(ordering: .acquiring) {
            rd_kafka_poll(client.raw, 100)
        }
        pollingStopped.signal()
    }

    func produce(topic: String, key: String?, value: [UInt8]) throws(KafkaError) {
        let admitted: (open: Bool, topic: Pointer?) = state.withLock { state in
            guard !state.closing else { return (false, nil) }
            state.active += 1
            return (true, state.topics[topic])
        }
        guard admitted.open else {
            throw KafkaError(.invalidArgument, "the Kafka producer is closed; cannot produce to '\(topic)'")
        }
        defer { state.withLock { $0.active -= 1 } }
        let topicHandle: Pointer
        if let cached = admitted.topic { topicHandle = cached } else { topicHandle = try self.topicHandle(topic) }
        let flags = RD_KAFKA_MSG_F_COPY | RD_KAFKA_MSG_F_BLOCK
        var keyText = key ?? ""
        let result = value.withUnsafeBytes { payload in
            keyText.withUTF8 { keyBytes in
                rd_kafka_produce(
                    topicHandle.raw, -1 /* any partition, by the key's hash */, flags,
                    UnsafeMutableRawPointer(mutating: payload.baseAddress), payload.count,
                    key == nil ? nil : keyBytes.baseAddress, key == nil ? 0 : keyBytes.count, nil)
            }
        }
        guard result == 0 else {
            throw KafkaError(rd_kafka_last_error(), "cannot produce to '\(topic)' (\(value.count) bytes)")
        }
        produced.add(1, ordering: .relaxed)
    }

    /// The cached handle of `topic`, creating it on first use.
    private func topicHandle(_ topic: String) throws(KafkaError) -> Pointer {
        guard let created = rd_kafka_topic_new(client.raw, topic, nil) else {
            throw KafkaError(rd_kafka_last_error(), "cannot use topic '\(topic)'")
        }
        let kept = state.withLock { state in
            if let existing = state.topics[topic] { return existing }
            state.topics[topic] = Pointer(raw: created)
            return Pointer(raw: created)
        }
        if kept.raw != created { rd_kafka_topic_destroy(created) }
        return kept
    }

    func flush(timeout: Duration) -> Bool {
        guard state.withLock({ !$0.closing }) else { return false }
        return rd_kafka_flush(client.raw, Self.milliseconds(timeout)) == RD_KAFKA_RESP_ERR_NO_ERROR
    }

    func close(timeout: Duration) {
        let first = state.withLock { state in
            defer { state.closing = true }
            return !state.closing
        }
        guard first else { return }
        while state.withLock({ $0.active > 0 }) { usleep(1000) }
        if rd_kafka_flush(client.raw, Self.milliseconds(timeout)) != RD_KAFKA_RESP_ERR_NO_ERROR {
            // Whatever is still queued fails now, through the delivery reports, so it is counted.
            rd_kafka_purge(client.raw, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
            rd_kafka_flush(client.raw, 1000)
        }
        stopPolling.store(true, ordering: .releasing)
        pollingStopped.wait()
        for topic in state.withLock({ $0.topics.values }) { rd_kafka_topic_destroy(topic.raw) }
        rd_kafka_destroy(client.raw)
    }

    var failures: [KafkaProducer.DeliveryFailure] { reports.failures }

    var counters: KafkaProducer.Counters {
        KafkaProducer.Counters(
            produced: produced.load(ordering: .relaxed), delivered: reports.delivered.load(ordering: .relaxed),
            failed: reports.failed.load(ordering: .relaxed))
    }

    private static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        return Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }

}
