import DriftlineCore

/// One turn of a file source, decoded on the file decode stage's thread for the engine's thread.
final class DecodedBatch: @unchecked Sendable {
    // @unchecked: one thread at a time owns a batch; it changes hands through the queue's lock.

    /// The records, decoded.
    let records = EventBatch()
    /// The input partition (the file source's index) the records belong to.
    var partition = 0
    /// False when the source ended with this batch.
    var more = true
    /// The error that stopped the source's reading, after the records it read before.
    var failure: (any Error)?

    /// Empties the batch for `partition`, keeping the capacity of its storage.
    func reset(partition: Int) {
        self.partition = partition
        more = true
        failure = nil
        records.reset()
    }
}
