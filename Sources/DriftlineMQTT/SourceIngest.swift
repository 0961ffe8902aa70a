import CMosquitto
import DriftlineConnectors
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The state of an MQTT source on its network thread: the batch being filled by the message callback and the
/// hand-off of full (or old enough) batches to the engine's `SourceQueue`.
final class SourceIngest: @unchecked Sendable {
    // @unchecked: the mutable properties are touched only on the source's network thread (libmosquitto's callbacks
    // and the loop turns run there); the properties shared with other threads are atomics or `Sendable` classes.
    let status: ConnectionStatus
    private let stopping = Atomic<Bool>(false)
    private let delivered = Atomic<Int64>(0)
    private let subscribed = Atomic<Bool>(false)
    private let queue: SourceQueue
    private let source: Int
    private let batchRecords: Int
    private let flushMilliseconds: Int64
    /// Subscription filters as C strings for `mosquitto_subscribe_multiple`, owned by this object.
    private let filters: [UnsafeMutablePointer<CChar>?]
    private let filterNames: [String]
    private var batch: RecordBatch
    private var topics = TopicLookup()
    private var sequence: Int64 = 0
    private var batchStarted: Int64 = 0
    private var queueClosed = false

    /// How long one `put` waits before checking whether the source is stopping.
    private static let putSlice = Duration.milliseconds(100)

    init(
        subscriptions: [String], queue: SourceQueue, source: Int, batchRecords: Int, flushInterval: Duration,
        status: ConnectionStatus
    ) {
        self.status = status
        self.queue = queue
        self.source = source
        self.batchRecords = batchRecords
        flushMilliseconds = max(1, flushInterval.wholeMilliseconds)
        filterNames = subscriptions
        filters = subscriptions.map { strdup($0) }
        batch = RecordBatch(source: source, capacity: batchRecords)
    }

    deinit {
        for filter in filters { free(filter) }
    }

    /// Makes a blocked hand-off give up, so the thread can finish.
    func requestStop() {
        stopping.store(true, ordering: .releasing)
    }

    /// Records handed to the queue so far.
    var deliveredCount: Int64 { delivered.load(ordering: .relaxed) }

    /// Subscribes to every filter at QoS 1; called on each successful connect, so a broker that lost the session
    /// (clean start, expired, no persistence) still delivers from now on.
    func subscribeAll(_ handle: OpaquePointer) {
        let rc = filters.withUnsafeBufferPointer { pointers in
            mosquitto_subscribe_multiple(handle, nil, Int32(pointers.count), pointers.baseAddress, 1, 0, nil)
        }
        if rc != MosquittoResult.success {
            status.markFailed(
                MQTTError(.connectionFailed, "MQTT subscribe to \(filterNames) failed: \(MosquittoResult.describe(rc))")
            )
        }
    }

    /// Whether the broker acknowledged every subscription on the current connection.
    var isSubscribed: Bool { subscribed.load(ordering: .acquiring) }

    /// Reports filters the broker refused (granted QoS 0x80) in the SUBACK.
    func subscribed(grantedQoS: UnsafeBufferPointer<Int32>) {
        let refused = zip(filterNames, grantedQoS).filter { $0.1 > 2 }.map(\.0)
        subscribed.store(refused.isEmpty, ordering: .releasing)
        if !refused.isEmpty {
            status.markFailed(
                MQTTError(.invalidTopic, "the MQTT broker refused the subscriptions \(refused) (check its ACLs)"))
        }
    }

    /// Copies one message into the batch. Runs in libmosquitto's message callback, whose message is freed when it
    /// returns; in libmosquitto 2.0.11 its PUBACK has already been sent at this point.
    func receive(_ message: UnsafePointer<mosquitto_message>) {
        let now = WallClock.nowMilliseconds()
        if batch.records.isEmpty { batchStarted = now }
        let topicIndex: Int32
        if let topic = message.pointee.topic {
            topicIndex = topics.index(of: UnsafeRawBufferPointer(start: topic, count: strlen(topic)), in: &batch)
        } else {
            topicIndex = topics.index(of: UnsafeRawBufferPointer(start: nil, count: 0), in: &batch)
        }
        batch.append(
            payload: UnsafeRawBufferPointer(start: message.pointee.payload, count: Int(message.pointee.payloadlen)),
            topic: topicIndex, partition: 0, offset: sequence, timestamp: now)
        sequence += 1
        if batch.records.count >= batchRecords || now - batchStarted >= flushMilliseconds { flush() }
    }

    /// A loop turn: flushes a batch older than the flush interval, or any batch once the connection is lost.
    func loopTurn(connected: Bool) {
        if !connected { subscribed.store(false, ordering: .releasing) }
        guard !batch.records.isEmpty else { return }
        if !connected || WallClock.nowMilliseconds() - batchStarted >= flushMilliseconds { flush() }
    }

    /// Hands the batch to the queue, waiting while it is full: the network loop stalls, the socket fills and the
    /// broker queues the rest. Gives up only when the source is stopping or the queue was closed.
    private func flush() {
        let count = Int64(batch.records.count)
        queue.decode(&batch)
        let message = SourceMessage.records(batch)
        batch = queue.emptyBatch(source: source, capacity: batchRecords)
        topics.reset()
        while !queueClosed && !stopping.load(ordering: .acquiring) {
            let began = ContinuousClock.now
            if queue.put(message, timeout: Self.putSlice) {
                delivered.add(count, ordering: .relaxed)
                return
            }
            // `put` returns false before its timeout only when the queue is closed: the engine has gone.
            queueClosed = ContinuousClock.now - began < Self.putSlice
        }
    }
}
