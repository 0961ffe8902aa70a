import DriftlineConnectors
import Testing

struct SourceQueueTests {
    /// A batch of `records` records of `size` bytes each, every byte `fill`.
    static func batch(source: Int = 0, records: Int, size: Int, fill: UInt8 = 0x61) -> RecordBatch {
        var batch = RecordBatch(source: source)
        let payload = [UInt8](repeating: fill, count: size)
        for offset in 0..<records {
            payload.withUnsafeBytes {
                batch.append(payload: $0, topic: 0, partition: 0, offset: Int64(offset), timestamp: nil)
            }
        }
        return batch
    }

    static func recordCount(_ message: SourceMessage?) -> Int? {
        if case .records(let batch) = message { return batch.records.count }
        return nil
    }

    @Test func boundedByPayloadBytesInOrderAndControlMessagesNeverWait() {
        let queue = SourceQueue(capacityBytes: 1000)
        #expect(queue.put(.records(Self.batch(records: 6, size: 100))))
        #expect(queue.put(.records(Self.batch(records: 4, size: 100))))
        // 1000 bytes held: a third batch does not fit and gives up after its timeout.
        #expect(!queue.put(.records(Self.batch(records: 1, size: 10)), timeout: .milliseconds(20)))
        #expect(queue.put(.ended(source: 0), timeout: .zero))

        #expect(Self.recordCount(queue.take(timeout: .zero)) == 6)
        // 400 bytes held now: 600 more fit.
        #expect(queue.put(.records(Self.batch(records: 3, size: 200)), timeout: .zero))
        #expect(Self.recordCount(queue.take(timeout: .zero)) == 4)
        guard case .ended(let source) = queue.take(timeout: .zero) else {
            Issue.record("the control message lost its place")
            return
        }
        #expect(source == 0)
        #expect(Self.recordCount(queue.take(timeout: .zero)) == 3)
        #expect(queue.take(timeout: .milliseconds(10)) == nil)
    }

    @Test func closingFailsLaterPutsAndDrainsWhatIsLeft() {
        let queue = SourceQueue()
        #expect(queue.put(.records(Self.batch(records: 2, size: 10))))
        queue.close()
        #expect(!queue.put(.records(Self.batch(records: 1, size: 10))))
        #expect(Self.recordCount(queue.take(timeout: .seconds(1))) == 2)
        #expect(queue.take(timeout: .seconds(1)) == nil)
    }

    @Test func takenBatchesAreNotHeldAndTheirStorageIsFilledAgain() {
        let queue = SourceQueue()
        #expect(queue.put(.records(Self.batch(source: 1, records: 100, size: 1000))))
        // A second batch stays queued: the queue never runs empty, as under sustained load.
        #expect(queue.put(.records(Self.batch(source: 1, records: 10, size: 1000))))
        var storage: (address: UnsafeRawPointer?, capacity: Int) = (nil, 0)
        do {
            guard case .records(let taken) = queue.take(timeout: .zero) else {
                Issue.record("no batch")
                return
            }
            storage = (taken.bytes.withUnsafeBytes { $0.baseAddress }, taken.bytes.capacity)
            queue.recycle(taken)
        }
        let reused = queue.emptyBatch(source: 2, capacity: 0)
        #expect(reused.source == 2 && reused.records.isEmpty && reused.bytes.isEmpty && reused.topics.isEmpty)
        // Same storage: neither the queue nor anything else still referred to the taken batch.
        #expect(reused.bytes.withUnsafeBytes { $0.baseAddress } == storage.address)
        #expect(reused.bytes.capacity == storage.capacity)
        // Without spares, a new batch.
        let fresh = queue.emptyBatch(source: 3, capacity: 5)
        #expect(fresh.source == 3 && fresh.bytes.capacity == 0)
    }
}
