import Foundation

/// The bounded hand-off between connector threads and the engine: connectors `put` messages (and
/// block, or are told the queue is full, when the engine is behind), the engine `take`s them.
///
/// Bounded by the payload bytes it holds, so backpressure reaches the transports: a Kafka source
/// stops taking records (librdkafka's prefetch bound then stops fetching), an MQTT source stops
/// reading its socket. Nothing is dropped.
public final class SourceQueue: @unchecked Sendable {
    // @unchecked: every stored property is guarded by `condition`'s lock.
    private let condition = NSCondition()
    /// Messages in order; a taken one is cleared at once (`head` is the next to take), so the queue
    /// keeps no reference to a batch the engine has taken.
    private var messages: [SourceMessage?] = []
    private var head = 0
    private var bytes = 0
    private var closed = false
    /// Storage of processed batches, kept for connectors to fill again.
    private var spares: [RecordBatch] = []
    /// Per source, what decodes its records on its connector's thread.
    private var decoders: [Int: any RecordDecoding] = [:]
    /// Largest number of payload bytes held before `put` waits.
    public let capacityBytes: Int

    public init(capacityBytes: Int = 64 << 20) {
        self.capacityBytes = capacityBytes
    }

    /// Adds a message, waiting while the queue is full (control messages never wait).
    /// Returns false when the queue was closed, or when `timeout` passed while full.
    @discardableResult
    public func put(_ message: SourceMessage, timeout: Duration? = nil) -> Bool {
        let size = Self.size(of: message)
        let deadline = timeout.map { Date().addingTimeInterval(Self.seconds($0)) }
        condition.lock()
        defer { condition.unlock() }
        while !closed && size > 0 && bytes > 0 && bytes + size > capacityBytes {
            if let deadline {
                if !condition.wait(until: deadline) { return false }
            } else {
                condition.wait()
            }
        }
        guard !closed else { return false }
        messages.append(message)
        bytes += size
        condition.broadcast()
        return true
    }

    /// Takes the oldest message, waiting up to `timeout`; nil on timeout or when closed and empty.
    public func take(timeout: Duration) -> SourceMessage? {
        let deadline = Date().addingTimeInterval(Self.seconds(timeout))
        condition.lock()
        defer { condition.unlock() }
        while head == messages.count {
            if closed || !condition.wait(until: deadline) { return nil }
        }
        let message = messages[head].take()!
        head += 1
        bytes -= Self.size(of: message)
        if head == messages.count {
            messages.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024 && head * 2 >= messages.count {
            // A queue that never empties drops its taken slots now and then, so it cannot grow without end.
            messages.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return message
    }

    /// Keeps a processed batch's storage (up to a few batches) so that the next `emptyBatch` reuses
    /// it: the connector's thread then neither allocates nor faults in fresh pages per batch.
    public func recycle(_ batch: consuming RecordBatch) {
        condition.lock()
        defer { condition.unlock() }
        if spares.count < Self.maximumSpares { spares.append(batch) }
    }

    /// An empty batch for `source`, on recycled storage when there is some.
    public func emptyBatch(source: Int, capacity: Int) -> RecordBatch {
        condition.lock()
        defer { condition.unlock() }
        guard !spares.isEmpty else { return RecordBatch(source: source, capacity: capacity) }
        // Reset in place: a copy would share the storage and the reset would allocate anew.
        spares[spares.count - 1].reset(source: source)
        return spares.removeLast()
    }

    private static let maximumSpares = 4

    /// Makes `decode(_:)` decode the batches of `source` with `decoder`: set before the source
    /// starts, and used only on its connector's thread.
    public func setDecoder(_ decoder: any RecordDecoding, forSource source: Int) {
        condition.lock()
        defer { condition.unlock() }
        decoders[source] = decoder
    }

    /// Decodes the records of `batch` not decoded yet with its source's decoder, if it has one; a
    /// connector calls this on its own thread before it puts the batch, so that decoding runs
    /// beside the engine rather than on its thread.
    public func decode(_ batch: inout RecordBatch) {
        condition.lock()
        let decoder = decoders[batch.source]
        condition.unlock()
        decoder?.decode(&batch)
    }

    /// Wakes every waiter; later `put`s fail, `take` drains what is left and then returns nil.
    public func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    private static func size(of message: SourceMessage) -> Int {
        if case .records(let batch) = message { return batch.bytes.count }
        return 0
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
