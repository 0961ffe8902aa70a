import DriftlineTestSupport

/// Generated telemetry whose latency spikes in every other window: events of even windows come
/// from a generator without drift, those of odd windows from one whose latencies are all
/// multiplied, so a latency rule fires in one window and resolves in the next.
struct AlternatingFeed {
    private var generators: [TelemetryGenerator]
    private var pending: [(timestampMs: Int64, line: [UInt8])?] = [nil, nil]
    private let startMs: Int64
    private let windowMs: Int64

    /// A feed of `scenario`'s events with windows of `windowMs` counted from its start.
    init(scenario: TelemetryScenario, windowMs: Int64, multiplier: Double, seed: UInt64) throws {
        var spiky = scenario
        spiky.drifts = [DriftEpisode(.latencySpike(multiplier: multiplier), startMs: scenario.startMs)]
        generators = [
            try TelemetryGenerator(scenario: scenario, seed: seed), try TelemetryGenerator(scenario: spiky, seed: seed),
        ]
        startMs = scenario.startMs
        self.windowMs = windowMs
    }

    /// The next event (without its newline) and its event time; nil at the end of the stream.
    mutating func next() -> (timestampMs: Int64, line: [UInt8])? {
        while true {
            for index in generators.indices where pending[index] == nil {
                var line: [UInt8] = []
                if let event = generators[index].next(into: &line) {
                    line.removeLast()
                    pending[index] = (event.timestampMs, line)
                }
            }
            let candidates = pending.indices.filter { pending[$0] != nil }
            guard let pick = candidates.min(by: { pending[$0]!.timestampMs < pending[$1]!.timestampMs }),
                let item = pending[pick]
            else { return nil }
            pending[pick] = nil
            if Int((item.timestampMs - startMs) / windowMs % 2) == pick { return item }
        }
    }
}
