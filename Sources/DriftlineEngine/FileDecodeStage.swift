import DriftlineConnectors
import DriftlineCore

/// Reads and decodes a pipeline's file and standard-input sources on a thread of their own and
/// hands the engine decoded batches, so that decoding and processing use two cores.
///
/// The sources take their turns exactly as the engine's own loop takes them (`Pipeline.batchLines`
/// lines each, in topology order, a source leaving the rotation when it ends), and the engine takes
/// the batches in that same order, so a replay processes the same records in the same order as on
/// one thread. One thread decodes every file, so symbols are first interned in the order the
/// records are processed, whatever the timing.
final class FileDecodeStage: @unchecked Sendable {
    // @unchecked: after `start()`, the inputs are used by the stage's thread only; batches change
    // hands through the queue's lock.

    /// A file or standard-input source: where its lines come from and how they are decoded.
    struct Input {
        var partition: Int
        var reader: LineReader
        var decoder: EventDecoder
    }

    private let inputs: [Input]
    private let segmentDimensions: Int
    let queue: DecodedBatchQueue

    init(inputs: [Input], segmentDimensions: Int) {
        self.inputs = inputs
        self.segmentDimensions = segmentDimensions
        queue = DecodedBatchQueue(capacity: 4)
    }

    /// Starts the thread; it ends when every source has ended or the queue is closed.
    func start() {
        ConnectorThread.start(name: "driftline-decode") { self.run() }
    }

    /// Stops the thread at its next hand-off.
    func stop() { queue.close() }

    private func run() {
        var active = inputs
        var event = Event(segmentDimensions: segmentDimensions)
        while !active.isEmpty {
            var index = 0
            while index < active.count {
                let input = active[index]
                let batch = queue.emptyBatch(partition: input.partition)
                let records = batch.records
                let now = Pipeline.now()
                let context = RecordContext(recordTime: now)
                let more: Bool
                do {
                    more = try input.reader.nextBatch(maxLines: Pipeline.batchLines) { line, number in
                        do throws(DecodeError) {
                            try input.decoder.decode(
                                line, context: context, position: Int64(number), appendingTo: records,
                                scratch: &event)
                        } catch {
                            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                                records.appendBlank(line, position: Int64(number))
                            } else {
                                records.append(
                                    line, position: Int64(number), failedWith: "\(error.code)",
                                    message: error.message)
                            }
                        }
                    }
                } catch {
                    batch.failure = error
                    _ = queue.put(batch)
                    return
                }
                // Once put, the batch belongs to the engine.
                batch.more = more
                guard queue.put(batch) else { return }
                if more { index += 1 } else { active.remove(at: index) }
            }
        }
    }
}
