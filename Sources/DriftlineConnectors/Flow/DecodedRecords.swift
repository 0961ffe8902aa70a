package import DriftlineCore

/// Decodes a source's records on its connector's thread (see `SourceQueue.decode(_:)`).
public protocol RecordDecoding: AnyObject, Sendable {
    /// Decodes the records of `batch` from `batch.decoded`'s count on, into `batch.decoded`.
    func decode(_ batch: inout RecordBatch)
}

/// The records of a `RecordBatch`, decoded on the connector's thread, in the same order; the
/// records' bytes stay in the batch.
public final class DecodedRecords: @unchecked Sendable {
    // @unchecked: it travels inside its `RecordBatch`, which one thread owns at a time (handed over
    // through the `SourceQueue`'s lock).

    /// The decoded events and what became of each record.
    package let events = EventBatch(keepsPayloads: false)

    package init() {}
}
