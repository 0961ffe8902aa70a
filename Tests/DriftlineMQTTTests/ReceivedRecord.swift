import DriftlineConnectors
import Foundation

/// One record as the engine would see it, copied out of its batch for comparison.
struct ReceivedRecord: Hashable {
    var topic: String
    var payload: String
    var partition: Int32
    var offset: Int64
    var timestamp: Int64?

    /// Takes batches from `queue` until `enough` holds for the records so far or `timeout` passes, sleeping
    /// `delayPerBatch` after each batch (a slow engine).
    static func collect(
        from queue: SourceQueue, timeout: Duration, delayPerBatch: Duration = .zero,
        until enough: ([ReceivedRecord]) -> Bool
    ) -> [ReceivedRecord] {
        var records: [ReceivedRecord] = []
        let deadline = ContinuousClock.now + timeout
        while !enough(records) && ContinuousClock.now < deadline {
            guard case .records(let batch)? = queue.take(timeout: .milliseconds(100)) else { continue }
            batch.forEach { record, payload in
                records.append(
                    ReceivedRecord(
                        topic: batch.topics[Int(record.topic)], payload: String(decoding: payload, as: UTF8.self),
                        partition: record.partition, offset: record.offset, timestamp: record.timestamp))
            }
            if delayPerBatch > .zero {
                let (seconds, attoseconds) = delayPerBatch.components
                Thread.sleep(forTimeInterval: Double(seconds) + Double(attoseconds) / 1e18)
            }
        }
        return records
    }
}
