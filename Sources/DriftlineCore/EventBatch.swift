/// Records decoded on one thread for another to process: each event's roles, with its features,
/// segment and text in flat buffers, and each record's raw bytes and position (dead letters name
/// both), in the order they were read.
///
/// A batch is storage that goes round: the decoding thread fills it (`EventDecoder.decode(_:context:
/// position:appendingTo:scratch:)`), the processing thread replays it into its scratch `Event` with
/// `load(_:into:)` and gives it back to be reset. Its buffers keep their capacity, so in steady
/// state nothing is allocated per batch or per event. A batch belongs to one thread at a time.
package final class EventBatch {
    /// What became of one record.
    package enum Outcome {
        /// Decoded; `load(_:into:)` with the index replays it.
        case decoded(Int32)
        /// A blank line: not a record.
        case blank
        /// Could not be decoded; `failure(_:)` with the index says why.
        case failed(Int32)
    }

    /// One record: what became of it, its bytes in the batch and its position in its source.
    package struct Record {
        package var outcome: Outcome
        var payloadStart: Int
        var payloadCount: Int
        /// The line number (a file) or offset (a stream) dead letters name.
        package var position: Int64
    }

    /// One decoded event's roles; its features, text and segment are ranges of the batch's buffers.
    private struct Roles {
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

    private var records = Buffer<Record>()
    private var events = Buffer<Roles>()
    private var features = Buffer<FeatureValue>()
    private var text = Buffer<UInt8>()
    private var segments = Buffer<Symbol?>()
    private var payloads = Buffer<UInt8>()
    private var failures: [(code: String, message: String)] = []
    private var segmentDimensions = 0
    /// Whether the batch keeps a copy of each record's bytes; a batch that travels with the records
    /// themselves (`RecordBatch`) does not need one.
    package let keepsPayloads: Bool

    package init(keepsPayloads: Bool = true) {
        self.keepsPayloads = keepsPayloads
    }

    deinit {
        records.deallocate()
        events.deallocate()
        features.deallocate()
        text.deallocate()
        segments.deallocate()
        payloads.deallocate()
    }

    /// Records in the batch.
    package var count: Int { records.count }

    /// Payload bytes held.
    package var payloadBytes: Int { payloads.count }

    /// Record `index`, in the order appended.
    @inline(__always)
    package func record(_ index: Int) -> Record { records.pointer[index] }

    /// Empties the batch, keeping the capacity of its buffers.
    package func reset() {
        records.count = 0
        events.count = 0
        features.count = 0
        text.count = 0
        segments.count = 0
        payloads.count = 0
        failures.removeAll(keepingCapacity: true)
    }

    /// Adds a decoded record: the roles of `event` (not its features and text), `features` and `text`.
    func append(
        roles event: borrowing Event, features eventFeatures: UnsafeBufferPointer<FeatureValue>,
        text eventText: UnsafeBufferPointer<UInt8>, payload: UnsafeRawBufferPointer, position: Int64
    ) {
        segmentDimensions = event.segment.count
        let roles = Roles(
            kind: event.kind, model: event.model, version: event.version, timestamp: event.timestamp,
            requestID: event.requestID, prediction: event.prediction, label: event.label, score: event.score,
            latencyMs: event.latencyMs, host: event.host, cpuPct: event.cpuPct, memMB: event.memMB,
            gpuPct: event.gpuPct, gpuMemMB: event.gpuMemMB, featureStart: features.count,
            featureCount: eventFeatures.count, textStart: text.count, textCount: eventText.count,
            segmentStart: segments.count)
        features.append(eventFeatures)
        text.append(eventText)
        event.segment.withUnsafeBufferPointer { segments.append($0) }
        append(payload, position: position, .decoded(Int32(events.count)))
        events.append(roles)
    }

    /// Adds a blank line.
    package func appendBlank(_ payload: UnsafeRawBufferPointer, position: Int64) {
        append(payload, position: position, .blank)
    }

    /// Adds a record that could not be decoded, and why.
    package func append(_ payload: UnsafeRawBufferPointer, position: Int64, failedWith code: String, message: String) {
        append(payload, position: position, .failed(Int32(failures.count)))
        failures.append((code, message))
    }

    private func append(_ payload: UnsafeRawBufferPointer, position: Int64, _ outcome: Outcome) {
        guard keepsPayloads else {
            return records.append(Record(outcome: outcome, payloadStart: 0, payloadCount: 0, position: position))
        }
        records.append(
            Record(outcome: outcome, payloadStart: payloads.count, payloadCount: payload.count, position: position))
        payloads.append(
            UnsafeBufferPointer(start: payload.baseAddress?.assumingMemoryBound(to: UInt8.self), count: payload.count))
    }

    /// Why failed record `index` could not be decoded.
    package func failure(_ index: Int32) -> (code: String, message: String) { failures[Int(index)] }

    /// The bytes of `record`, valid until the batch is reset (empty when the batch keeps no payloads).
    package func payload(of record: Record) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: payloads.pointer + record.payloadStart, count: record.payloadCount)
    }

    /// Fills `event` with decoded event `index`, reusing the capacity of its arrays.
    package func load(_ index: Int32, into event: inout Event) {
        let roles = events.pointer[Int(index)]
        event.kind = roles.kind
        event.model = roles.model
        event.version = roles.version
        event.timestamp = roles.timestamp
        event.requestID = roles.requestID
        event.prediction = roles.prediction
        event.label = roles.label
        event.score = roles.score
        event.latencyMs = roles.latencyMs
        event.host = roles.host
        event.cpuPct = roles.cpuPct
        event.memMB = roles.memMB
        event.gpuPct = roles.gpuPct
        event.gpuMemMB = roles.gpuMemMB
        Self.replace(&event.features, with: features.pointer + roles.featureStart, count: roles.featureCount)
        Self.replace(&event.text, with: text.pointer + roles.textStart, count: roles.textCount)
        Self.replace(&event.segment, with: segments.pointer + roles.segmentStart, count: segmentDimensions)
    }

    /// Makes `array` hold `count` elements from `source`, overwriting in place when the counts agree.
    @inline(__always)
    private static func replace<Element>(_ array: inout [Element], with source: UnsafePointer<Element>, count: Int) {
        if array.count == count {
            guard count > 0 else { return }
            array.withUnsafeMutableBufferPointer { target in
                target.baseAddress.unsafelyUnwrapped.update(from: source, count: count)
            }
        } else {
            array.removeAll(keepingCapacity: true)
            array.append(contentsOf: UnsafeBufferPointer(start: source, count: count))
        }
    }

    /// A growable run of trivial values, without the uniqueness checks and reference counting of
    /// an array on every access.
    private struct Buffer<Element> {
        var pointer = UnsafeMutablePointer<Element>.allocate(capacity: 16)
        var count = 0
        var capacity = 16

        @inline(__always)
        mutating func append(_ element: Element) {
            if count == capacity { grow(to: count + 1) }
            (pointer + count).initialize(to: element)
            count += 1
        }

        @inline(__always)
        mutating func append(_ elements: UnsafeBufferPointer<Element>) {
            guard let source = elements.baseAddress else { return }
            if count + elements.count > capacity { grow(to: count + elements.count) }
            (pointer + count).initialize(from: source, count: elements.count)
            count += elements.count
        }

        @inline(never)
        mutating func grow(to needed: Int) {
            let bigger = UnsafeMutablePointer<Element>.allocate(capacity: max(needed, 2 * capacity))
            bigger.moveInitialize(from: pointer, count: count)
            pointer.deallocate()
            pointer = bigger
            capacity = max(needed, 2 * capacity)
        }

        func deallocate() { pointer.deallocate() }
    }
}
