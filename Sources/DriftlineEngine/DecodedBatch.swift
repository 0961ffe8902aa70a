import DriftlineCore

/// Records of one source, decoded on a reading thread and handed to the engine's thread, which
/// only processes them: each event's roles with its features, segment and text in flat arrays, and
/// each record's raw bytes and position (for dead letters, which name both).
///
/// A batch is storage that goes round: the reading thread fills it, the engine empties it and gives
/// it back (`DecodedBatchQueue.recycle`), so in steady state nothing is allocated per batch or event.
final class DecodedBatch: @unchecked Sendable {
    // @unchecked: one thread at a time owns a batch; it changes hands through the queue's lock.

    /// What became of one record.
    enum Outcome {
        /// Decoded: `events[event]` holds it.
        case decoded(event: Int32)
        /// A blank line: not a record.
        case blank
        /// Could not be decoded: `failures[failure]` says why.
        case failed(failure: Int32)
    }

    struct Record {
        var outcome: Outcome
        /// The record's bytes in `payloads`.
        var payloadStart: Int
        var payloadCount: Int
        /// The line number (a file) or offset (a stream) dead letters name.
        var position: Int64
    }

    /// One decoded event's roles; its arrays are ranges of the batch's.
    struct DecodedEvent {
        var kind: EventKind
        var model: Symbol?
        var version: Symbol?
        var timestamp: Int64?
        var requestID: TextSlice?
        var prediction: Value
        var label: Value
        var score: Double?
        var latencyMs: Double?
        var host: Symbol?
        var cpuPct: Double?
        var memMB: Double?
        var gpuPct: Double?
        var gpuMemMB: Double?
        var featureStart: Int
        var featureCount: Int
        var textStart: Int
        var textCount: Int
        var segmentStart: Int
    }

    /// The input partition (the file source's index) the records belong to.
    var partition = 0
    /// False when the source ended with this batch.
    var more = true
    /// The error that stopped the source's reading, after the records it read before.
    var failure: (any Error)?
    private(set) var records: [Record] = []
    private(set) var events: [DecodedEvent] = []
    private(set) var failures: [(code: String, message: String)] = []
    private var payloads: [UInt8] = []
    private var features: [FeatureValue] = []
    private var text: [UInt8] = []
    private var segments: [Symbol?] = []
    private var segmentDimensions = 0

    init(capacity: Int) {
        records.reserveCapacity(capacity)
        events.reserveCapacity(capacity)
    }

    /// Empties the batch for `partition`, keeping the capacity of its storage.
    func reset(partition: Int) {
        self.partition = partition
        more = true
        failure = nil
        records.removeAll(keepingCapacity: true)
        events.removeAll(keepingCapacity: true)
        failures.removeAll(keepingCapacity: true)
        payloads.removeAll(keepingCapacity: true)
        features.removeAll(keepingCapacity: true)
        text.removeAll(keepingCapacity: true)
        segments.removeAll(keepingCapacity: true)
    }

    /// Adds a record that `event` holds decoded.
    func append(_ payload: UnsafeRawBufferPointer, position: Int64, decoded event: borrowing Event) {
        segmentDimensions = event.segment.count
        let stored = DecodedEvent(
            kind: event.kind, model: event.model, version: event.version, timestamp: event.timestamp,
            requestID: event.requestID, prediction: event.prediction, label: event.label, score: event.score,
            latencyMs: event.latencyMs, host: event.host, cpuPct: event.cpuPct, memMB: event.memMB,
            gpuPct: event.gpuPct, gpuMemMB: event.gpuMemMB, featureStart: features.count,
            featureCount: event.features.count, textStart: text.count, textCount: event.text.count,
            segmentStart: segments.count)
        features.append(contentsOf: event.features)
        text.append(contentsOf: event.text)
        segments.append(contentsOf: event.segment)
        append(payload, position: position, .decoded(event: Int32(events.count)))
        events.append(stored)
    }

    /// Adds a blank line.
    func appendBlank(_ payload: UnsafeRawBufferPointer, position: Int64) {
        append(payload, position: position, .blank)
    }

    /// Adds a record that could not be decoded, and why.
    func append(_ payload: UnsafeRawBufferPointer, position: Int64, failedWith code: String, message: String) {
        append(payload, position: position, .failed(failure: Int32(failures.count)))
        failures.append((code, message))
    }

    private func append(_ payload: UnsafeRawBufferPointer, position: Int64, _ outcome: Outcome) {
        records.append(
            Record(outcome: outcome, payloadStart: payloads.count, payloadCount: payload.count, position: position))
        payloads.append(contentsOf: payload)
    }

    /// Fills `event` with decoded event `index`, reusing the capacity of its arrays.
    func load(_ index: Int32, into event: inout Event) {
        let stored = events[Int(index)]
        event.kind = stored.kind
        event.model = stored.model
        event.version = stored.version
        event.timestamp = stored.timestamp
        event.requestID = stored.requestID
        event.prediction = stored.prediction
        event.label = stored.label
        event.score = stored.score
        event.latencyMs = stored.latencyMs
        event.host = stored.host
        event.cpuPct = stored.cpuPct
        event.memMB = stored.memMB
        event.gpuPct = stored.gpuPct
        event.gpuMemMB = stored.gpuMemMB
        Self.replace(&event.features, with: features, from: stored.featureStart, count: stored.featureCount)
        Self.replace(&event.text, with: text, from: stored.textStart, count: stored.textCount)
        Self.replace(&event.segment, with: segments, from: stored.segmentStart, count: segmentDimensions)
    }

    /// Calls `body` with the bytes of `record`.
    func withPayload<R>(of record: Record, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try payloads.withUnsafeBytes { all in
            try body(
                UnsafeRawBufferPointer(rebasing: all[record.payloadStart..<record.payloadStart + record.payloadCount]))
        }
    }

    /// Payload bytes held, for the queue's bound.
    var byteCount: Int { payloads.count }

    /// Makes `array` hold `source[start..<start + count]`, overwriting in place when the counts agree.
    @inline(__always)
    private static func replace<Element>(_ array: inout [Element], with source: [Element], from start: Int, count: Int)
    {
        source.withUnsafeBufferPointer { all in
            let contents = UnsafeBufferPointer(rebasing: all[start..<start + count])
            if array.count == count {
                guard let from = contents.baseAddress, count > 0 else { return }
                array.withUnsafeMutableBufferPointer { target in
                    target.baseAddress.unsafelyUnwrapped.update(from: from, count: count)
                }
            } else {
                array.removeAll(keepingCapacity: true)
                array.append(contentsOf: contents)
            }
        }
    }
}
