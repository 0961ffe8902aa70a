import ArgumentParser
import DriftlineTestSupport

/// `driftline-loadgen reference`: offline reference rows (features only) for `driftline baseline build`.
struct ReferenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reference",
        abstract: "Generate offline reference rows (features only, pre-drift distribution)."
    )

    @OptionGroup var scenarioOptions: ScenarioOptions

    @Option(help: "Seed; the same seed and options give the same bytes.")
    var seed: UInt64 = 42

    @Option(help: "Number of rows.")
    var rows = 20_000

    @Option(help: "Output file, or - for standard output.")
    var out = "-"

    func run() throws {
        var generator = try TelemetryGenerator.referenceRows(of: scenarioOptions.scenario(), seed: seed, rows: rows)
        _ = try OutputFile.write(&generator, to: out)
    }
}
