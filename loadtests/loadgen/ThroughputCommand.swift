import ArgumentParser
import DriftlineTestSupport

/// `driftline-loadgen throughput`: how fast the generator makes events, writing them nowhere.
struct ThroughputCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "throughput",
        abstract: "Generate events into memory only and print the generation rate."
    )

    @OptionGroup var scenarioOptions: ScenarioOptions

    @Option(help: "Seed.")
    var seed: UInt64 = 42

    @Option(help: "Number of inferences to generate (labels and resource events come on top).")
    var count = 2_000_000

    func run() throws {
        var scenario = try scenarioOptions.scenario()
        scenario.length = .inferenceCount(count)
        var generator = try TelemetryGenerator(scenario: scenario, seed: seed)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20 + 4096)
        var lines = 0
        var bytes = 0
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            while true {
                let added = generator.fill(&buffer, upToBytes: 1 << 20)
                if added == 0 { break }
                lines += added
                bytes += buffer.count
                buffer.removeAll(keepingCapacity: true)
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let rate = Double(lines) / seconds
        let megabytes = Double(bytes) / 1_048_576
        print(
            "generated \(lines) lines (\(count) inferences, \(Int(megabytes)) MiB) in "
                + "\((seconds * 1000).rounded() / 1000) s: \(Int(rate)) events/s, \(Int(megabytes / seconds)) MiB/s")
    }
}
