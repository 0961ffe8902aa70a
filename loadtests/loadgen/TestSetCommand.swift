import ArgumentParser
import DriftlineTestSupport

/// `driftline-loadgen test-set`: a labelled offline test set at the model's offline accuracy.
struct TestSetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-set",
        abstract: "Generate a labelled offline test set (prediction, score, latency and label)."
    )

    @OptionGroup var scenarioOptions: ScenarioOptions

    @Option(help: "Seed; the same seed and options give the same bytes.")
    var seed: UInt64 = 42

    @Option(help: "Number of rows.")
    var rows = 5_000

    @Option(help: "Output file, or - for standard output.")
    var out = "-"

    func run() throws {
        var generator = try TelemetryGenerator.testRows(of: scenarioOptions.scenario(), seed: seed, rows: rows)
        _ = try OutputFile.write(&generator, to: out)
    }
}
