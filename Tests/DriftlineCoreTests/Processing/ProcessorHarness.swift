import DriftlineCore
import DriftlineTestSupport

/// A `DriftProcessor` fed with contract JSON lines through the real decoder.
final class ProcessorHarness {
    let symbols: SymbolTable
    let decoder: EventDecoder
    let processor: DriftProcessor
    private var event: Event
    private(set) var results: [WindowResult] = []
    private(set) var alerts: [Alert] = []
    private(set) var triggers: [RetrainTrigger] = []
    /// Records the processor held back and then refused (time jumps).
    private(set) var refused: [RefusedRecord] = []

    /// A harness whose processor carries on from `checkpoint`, when one is given.
    init(
        _ settings: ProcessorSettings, baselines: [Baseline] = [TestBaselines.simple],
        restoring checkpoint: ProcessorCheckpoint? = nil
    ) throws {
        symbols = checkpoint.map { SymbolTable(names: $0.symbols) } ?? SymbolTable()
        decoder = try EventDecoder(
            mapping: .contract(segmentDimensions: settings.segmentDimensions), symbols: symbols)
        // The processor's tests count time from the epoch; the decoder's own range is tested apart.
        decoder.acceptedTimes = .min ... .max
        processor = try DriftProcessor(settings: settings, symbols: symbols, baselines: baselines)
        if let checkpoint { try processor.restore(checkpoint, now: 0) }
        event = Event(segmentDimensions: settings.segmentDimensions.count)
    }

    @discardableResult
    func feed(_ json: String, partition: Int = 0, offset: Int64 = 0, now: Int64 = 0) throws -> Disposition {
        var bytes = Array(json.utf8)
        try bytes.withUnsafeMutableBytes { buffer in
            try decoder.decode(UnsafeRawBufferPointer(buffer), context: RecordContext(recordTime: now), into: &event)
        }
        let disposition = bytes.withUnsafeBytes { payload in
            processor.process(&event, partition: partition, offset: offset, now: now, payload: payload)
        }
        collect()
        return disposition
    }

    func finish(now: Int64 = 0) {
        processor.finish(now: now)
        collect()
    }

    private func collect() {
        let output = processor.drain()
        results += output.results
        alerts += output.alerts
        triggers += output.triggers
        refused += output.refused
    }

    /// An inference of model `m` version `1` as the contract shapes it.
    static func inference(
        ts: Int64, x: Double? = nil, c: String? = nil, prediction: String = "ok", label: String? = nil,
        requestID: String? = nil, latency: Double? = nil, line: String? = nil
    ) -> String {
        var features: [String] = []
        if let x { features.append("\"x\":\(x)") }
        if let c { features.append("\"c\":\"\(c)\"") }
        var fields = [
            "\"type\":\"inference\"", "\"model\":\"m\"", "\"version\":\"1\"", "\"ts\":\(ts)",
            "\"features\":{\(features.joined(separator: ","))}", "\"prediction\":\"\(prediction)\"",
        ]
        if let label { fields.append("\"label\":\"\(label)\"") }
        if let requestID { fields.append("\"request_id\":\"\(requestID)\"") }
        if let latency { fields.append("\"latency_ms\":\(latency)") }
        if let line { fields.append("\"segment\":{\"line\":\"\(line)\"}") }
        return "{" + fields.joined(separator: ",") + "}"
    }

    static func label(ts: Int64, requestID: String, label: String) -> String {
        "{\"type\":\"label\",\"model\":\"m\",\"request_id\":\"\(requestID)\",\"ts\":\(ts),\"label\":\"\(label)\"}"
    }
}
