import DriftlineConnectors
import DriftlineKafka
import Foundation
import Synchronization

/// Stands in for the engine behind a Kafka consumer: takes messages from the queue on its own
/// thread, records what it got, commits what it processed (after every batch and on revocation)
/// and answers revocation handshakes. Checks the hand-off rules as it goes.
final class RecordingEngine: Sendable {
    struct Delivery: Hashable {
        var partition: PartitionID
        var offset: Int64
        var key: String
        var value: String
    }

    /// Offsets committed by any engine of a group, to check that a new owner never starts after them.
    final class Ledger: Sendable {
        let committed = Mutex<[PartitionID: Int64]>([:])
    }

    private struct State {
        var deliveries: [Delivery] = []
        var assigned: Set<PartitionID> = []
        /// Partitions assigned whose first record has not arrived yet.
        var fresh: Set<PartitionID> = []
        var next: [PartitionID: Int64] = [:]
        var revocations = 0
        var violations: [String] = []
        var stopped = false
    }

    private let state = Mutex(State())
    private let queue: SourceQueue
    private let ledger: Ledger
    private let commitEachBatch: Bool
    private let delayPerBatch: TimeInterval
    private let consumer: Mutex<KafkaConsumer?> = Mutex(nil)
    private let finished = DispatchSemaphore(value: 0)

    init(queue: SourceQueue, ledger: Ledger = Ledger(), commitEachBatch: Bool = true, delayPerBatch: TimeInterval = 0) {
        self.queue = queue
        self.ledger = ledger
        self.commitEachBatch = commitEachBatch
        self.delayPerBatch = delayPerBatch
    }

    func start(committingThrough consumer: KafkaConsumer) {
        self.consumer.withLock { $0 = consumer }
        Thread { self.run() }.start()
    }

    func stop() {
        state.withLock { $0.stopped = true }
        finished.wait()
    }

    var deliveries: [Delivery] { state.withLock { $0.deliveries } }
    var revocations: Int { state.withLock { $0.revocations } }
    var violations: [String] { state.withLock { $0.violations } }
    var assigned: Set<PartitionID> { state.withLock { $0.assigned } }

    /// Commits the given next offsets now (for tests that commit by hand).
    func commit(_ offsets: [PartitionID: Int64]) {
        consumer.withLock { $0 }?.commit(offsets)
        ledger.committed.withLock { $0.merge(offsets) { _, new in new } }
    }

    private func run() {
        while !state.withLock({ $0.stopped }) {
            guard let message = queue.take(timeout: .milliseconds(20)) else { continue }
            switch message {
            case .records(let batch):
                let processed = record(batch)
                if commitEachBatch { commit(processed) }
                if delayPerBatch > 0 { Thread.sleep(forTimeInterval: delayPerBatch) }
            case .assigned(_, let partitions):
                state.withLock { state in
                    state.assigned.formUnion(partitions)
                    state.fresh.formUnion(partitions)
                }
            case .revoked(_, let partitions, let done):
                let offsets = state.withLock { state in
                    state.revocations += 1
                    state.assigned.subtract(partitions)
                    state.fresh.subtract(partitions)
                    return state.next.filter { partitions.contains($0.key) }
                }
                commit(offsets)
                done.signal()
            case .ended:
                break
            }
        }
        finished.signal()
    }

    /// Records a batch; returns the next offset per partition in it.
    private func record(_ batch: RecordBatch) -> [PartitionID: Int64] {
        var processed: [PartitionID: Int64] = [:]
        let committed = ledger.committed.withLock { $0 }
        state.withLock { state in
            batch.bytes.withUnsafeBytes { bytes in
                for record in batch.records {
                    let partition = PartitionID(topic: batch.topics[Int(record.topic)], partition: record.partition)
                    let key = String(
                        decoding: bytes[record.keyStart..<(record.keyStart + record.keyCount)], as: UTF8.self)
                    let value = String(
                        decoding: bytes[record.payloadStart..<(record.payloadStart + record.payloadCount)],
                        as: UTF8.self)
                    if !state.assigned.contains(partition) {
                        state.violations.append("record \(partition)@\(record.offset) while not assigned")
                    }
                    if state.fresh.remove(partition) != nil, record.offset > committed[partition] ?? 0 {
                        state.violations.append(
                            "\(partition) resumed at \(record.offset), after the committed \(committed[partition] ?? 0)"
                        )
                    }
                    state.deliveries.append(
                        Delivery(partition: partition, offset: record.offset, key: key, value: value))
                    state.next[partition] = record.offset + 1
                    processed[partition] = record.offset + 1
                }
            }
        }
        return processed
    }
}

/// Waits until `condition` holds, polling; false when `timeout` passed first.
func eventually(timeout: Duration = .seconds(20), _ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        Thread.sleep(forTimeInterval: 0.02)
    }
    return condition()
}
