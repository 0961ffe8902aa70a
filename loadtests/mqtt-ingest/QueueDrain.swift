import DriftlineConnectors
import DriftlineCore
import Foundation
import Synchronization

/// The engine's side of the hand-off, reduced to what ingest costs: a thread that takes batches from the
/// `SourceQueue`, optionally decodes every payload with the engine's `EventDecoder`, keeps the batches for the
/// arrival check after the clock has stopped, and notes when the last expected record was taken.
final class QueueDrain: Sendable {
    /// What the drain saw.
    struct Result: Sendable {
        var batches: [RecordBatch] = []
        var records = 0
        var decodeFailures = 0
        /// When the last expected record was taken; nil when not all arrived.
        var finished: ContinuousClock.Instant?
    }

    private let queue: SourceQueue
    private let expected: Int
    private let decode: Bool
    private let result = Mutex(Result())
    private let done = DispatchSemaphore(value: 0)

    init(queue: SourceQueue, expected: Int, decode: Bool) {
        self.queue = queue
        self.expected = expected
        self.decode = decode
    }

    /// Starts the drain thread.
    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "drain"
        thread.start()
    }

    /// Waits until every expected record was taken, or `timeout` passed.
    func wait(timeout: Duration) {
        if done.wait(timeout: .now() + .milliseconds(Int(timeout.components.seconds * 1000))) == .success {
            done.signal()
        }
    }

    /// What the drain saw, once its thread has ended (every expected record taken, or the queue closed).
    func outcome() -> Result {
        done.wait()
        done.signal()
        return result.withLock { $0 }
    }

    private func run() {
        let symbols = SymbolTable()
        let decoder = decode ? Self.contractDecoder(symbols) : nil
        var event = Event(segmentDimensions: 2)
        var local = Result()
        while local.records < expected, let message = queue.take(timeout: .seconds(3600)) {
            guard case .records(let batch) = message else { continue }
            if let decoder {
                batch.forEach { record, payload in
                    do throws(DecodeError) {
                        try decoder.decode(payload, context: RecordContext(recordTime: record.timestamp), into: &event)
                    } catch {
                        local.decodeFailures += 1
                    }
                }
            }
            local.records += batch.records.count
            local.batches.append(batch)
            if local.records >= expected { local.finished = .now }
        }
        result.withLock { $0 = local }
        done.signal()
    }

    private static func contractDecoder(_ symbols: SymbolTable) -> EventDecoder {
        do {
            return try EventDecoder(mapping: .contract(segmentDimensions: ["line", "device"]), symbols: symbols)
        } catch {
            fatalError("the contract's field mapping does not compile: \(error)")
        }
    }
}
