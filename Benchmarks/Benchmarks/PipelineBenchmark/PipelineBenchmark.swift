import Benchmark
import DriftlineCore
import DriftlineTestSupport

/// Decode + every operator on contract-shaped events, one core: the engine's per-event path.
///
/// The corpus is the default generated plant stream (10 numeric and 2 categorical features,
/// segment line/device/batch, 5% inline labels, 55% delayed label events, resource events), keyed
/// by the whole model and by (line, device), 5-minute windows, the default rules. One scaled
/// iteration is one event, so `throughput` reads as events per second and malloc counts as
/// allocations per event.
let benchmarks: @Sendable () -> Void = {
    Benchmark(
        "decode+operators",
        configuration: .init(
            metrics: [.throughput, .wallClock, .cpuTotal, .mallocCountTotal, .instructions],
            scalingFactor: .kilo,
            maxDuration: .seconds(10),
            maxIterations: 400,
            thresholds: [.mallocCountTotal: .init(absolute: [.p90: 0])]
        )
    ) { benchmark in
        let run = PipelineRun.shared
        for _ in benchmark.scaledIterations {
            run.processNext()
        }
    }
}

/// The corpus and a processor consuming it, one event per call; restarts at the end of the corpus.
final class PipelineRun: @unchecked Sendable {
    // @unchecked: benchmarks run one at a time on one thread.
    static let shared = PipelineRun()

    static let corpusEvents = 450_000
    let lines: [UInt8]
    let starts: [Int]
    let baseline: Baseline
    let settings = ProcessorSettings(
        window: WindowSpec(size: 300_000), segmentDimensions: ["device", "line"], keySets: [[], ["line", "device"]])
    var symbols = SymbolTable()
    var decoder: EventDecoder
    var processor: DriftProcessor
    var event: Event
    var cursor = 0
    /// The processing time events are handled at: the end of the corpus's three hours, as in a
    /// replay right after them (so none is ahead of the wall clock).
    let now: Int64

    init() {
        var scenario = TelemetryScenario()
        scenario.length = .duration(milliseconds: 3 * 3_600_000)
        now = scenario.startMs + 3 * 3_600_000
        var generator = try! TelemetryGenerator(scenario: scenario, seed: 7)
        var bytes: [UInt8] = []
        var starts: [Int] = []
        while starts.count < Self.corpusEvents {
            let start = bytes.count
            guard generator.next(into: &bytes) != nil else { break }
            starts.append(start)
        }
        starts.append(bytes.count)
        self.lines = bytes
        self.starts = starts

        baseline = try! TelemetryBaseline.build(for: scenario, seed: 7)

        decoder = try! EventDecoder(mapping: .contract(segmentDimensions: settings.segmentDimensions), symbols: symbols)
        processor = try! DriftProcessor(settings: settings, symbols: symbols, baselines: [baseline])
        event = Event(segmentDimensions: settings.segmentDimensions.count)
    }

    @inline(__always)
    func processNext() {
        if cursor + 1 >= starts.count { restart() }
        let start = starts[cursor]
        let end = starts[cursor + 1] - 1  // without the newline
        cursor += 1
        lines.withUnsafeBytes { all in
            let payload = UnsafeRawBufferPointer(rebasing: all[start..<end])
            do {
                try decoder.decode(payload, context: RecordContext(), into: &event)
                _ = processor.process(&event, partition: 0, now: now)
            } catch {
                fatalError("generated event failed to decode: \(error)")
            }
        }
        if cursor % 4096 == 0 { _ = processor.drain() }
    }

    private func restart() {
        symbols = SymbolTable()
        decoder = try! EventDecoder(mapping: .contract(segmentDimensions: settings.segmentDimensions), symbols: symbols)
        processor = try! DriftProcessor(settings: settings, symbols: symbols, baselines: [baseline])
        cursor = 0
    }
}
