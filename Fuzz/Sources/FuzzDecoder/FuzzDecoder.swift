import DriftlineCore
import DriftlineTestSupport
import FuzzSupport

/// One processor for the whole run, as in the engine: state carries over from record to record.
nonisolated(unsafe) private var harness = Harness()

/// One fuzzing input: `bytes` is one record, decoded as the contract's JSON and, when it
/// decodes, processed as the engine does. A crash, a sanitizer report or a broken invariant
/// (a trap) is a finding.
private func fuzzDecoder(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    harness.feed(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size))
    return 0
}

private struct Harness {
    let symbols = SymbolTable()
    let decoder: EventDecoder
    let processor: DriftProcessor
    var event: Event
    var records: Int64 = 0
    /// The wall clock the processor is told: 2026-11-26T00:00:00Z, so the fuzzer's times near it
    /// are neither in the future nor late.
    let now: Int64 = 1_795_651_200_000

    init() {
        let settings = ProcessorSettings(
            window: WindowSpec(size: 60_000), segmentDimensions: ["line"], keySets: [[], ["line"]],
            outOfOrderness: 5_000, labelWait: 60_000, maxPendingLabels: 10_000, maxKeys: 1_000, maxFeatures: 64)
        do {
            decoder = try EventDecoder(mapping: .contract(segmentDimensions: ["line"]), symbols: symbols)
            processor = try DriftProcessor(settings: settings, symbols: symbols, baselines: [TestBaselines.simple])
        } catch {
            fatalError("the fuzzing harness cannot start: \(error)")
        }
        event = Event(segmentDimensions: 1)
    }

    mutating func feed(_ record: UnsafeRawBufferPointer) {
        do {
            try decoder.decode(record, context: RecordContext(recordTime: now), into: &event)
        } catch {
            return  // refused with a reason: what a dead letter gets
        }
        records += 1
        _ = processor.process(&event, partition: 0, offset: records, now: now, payload: record)
        if records % 256 == 0 { check(processor.drain()) }
    }

    /// What every output must satisfy, whatever came in.
    private func check(_ output: ProcessorOutput) {
        for result in output.results {
            precondition(result.count >= 0 && result.end > result.start, "window \(result)")
            for metric in result.psi ?? [] {
                if let value = metric.value { precondition(value.isFinite && value >= 0, "psi \(metric)") }
            }
            if let online = result.accuracy.online { precondition((0...1).contains(online), "accuracy \(online)") }
        }
    }
}

@main
enum FuzzDecoder {
    static func main() { runFuzzer({ data, size in fuzzDecoder(data, size) }) }
}
