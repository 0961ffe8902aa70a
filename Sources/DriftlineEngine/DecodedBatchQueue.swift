import Foundation

/// The bounded hand-off of decoded batches from a reading thread to the engine's thread, in order,
/// with the storage of processed batches kept for the reader to fill again.
final class DecodedBatchQueue: @unchecked Sendable {
    // @unchecked: every stored property is guarded by `condition`'s lock.
    private let condition = NSCondition()
    private var batches: [DecodedBatch] = []
    private var spares: [DecodedBatch] = []
    private var closed = false
    /// Most batches waiting before `put` waits; the spares are as many again.
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Adds a batch, waiting while the queue is full; false when the queue was closed.
    func put(_ batch: DecodedBatch) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !closed && batches.count >= capacity { condition.wait() }
        guard !closed else { return false }
        batches.append(batch)
        condition.broadcast()
        return true
    }

    /// What `take` found.
    enum Taken {
        case batch(DecodedBatch)
        /// No batch came within the time allowed.
        case none
        case closed
    }

    /// Takes the oldest batch, waiting for one until `deadline` (for ever when `nil`).
    func take(until deadline: Date? = nil) -> Taken {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty {
            if closed { return .closed }
            if let deadline {
                guard condition.wait(until: deadline) || !batches.isEmpty || closed else { return .none }
            } else {
                condition.wait()
            }
        }
        condition.broadcast()
        return .batch(batches.removeFirst())
    }

    /// Keeps a processed batch's storage for `emptyBatch`.
    func recycle(_ batch: DecodedBatch) {
        condition.lock()
        defer { condition.unlock() }
        if spares.count < capacity + 1 { spares.append(batch) }
    }

    /// An empty batch for `partition`, on recycled storage when there is some.
    func emptyBatch(partition: Int) -> DecodedBatch {
        condition.lock()
        let spare = spares.popLast()
        condition.unlock()
        let batch = spare ?? DecodedBatch()
        batch.reset(partition: partition)
        return batch
    }

    /// Wakes every waiter; later `put`s fail and `take` returns nil.
    func close() {
        condition.lock()
        closed = true
        batches.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}
