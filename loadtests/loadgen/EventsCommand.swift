import ArgumentParser
import DriftlineCore
import DriftlineTestSupport

/// `driftline-loadgen events`: the live stream of inferences, delayed labels and resource events.
struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Generate a live telemetry stream with optional drift.",
        discussion: """
            Example: driftline-loadgen events --seed 42 --duration 2h --rate 50 \
            --drift "feature:current_a:+3@2026-11-26T01:00:00Z" --drift "accuracy:0.85@+90m" --out events.ndjson
            """
    )

    @OptionGroup var scenarioOptions: ScenarioOptions

    @Option(help: "Seed; the same seed and options give the same bytes.")
    var seed: UInt64 = 42

    @Option(help: "Event time covered, e.g. 90s, 15m, 2h, 1h30m (ignored with --count).")
    var duration = "1h"

    @Option(help: "Generate exactly this many inferences instead of a duration.")
    var count: Int?

    @Option(help: "Let inference timestamps lag by up to this duration (bounded out-of-orderness), e.g. 2s.")
    var outOfOrder: String?

    @Option(help: ArgumentHelp("Drift to inject (repeatable).", discussion: DriftEpisode.syntax))
    var drift: [String] = []

    @Option(help: "Output file, or - for standard output.")
    var out = "-"

    func run() throws {
        var scenario = try scenarioOptions.scenario()
        if let count {
            scenario.length = .inferenceCount(count)
        } else {
            guard let milliseconds = DurationText.parse(duration) else {
                throw ValidationError("--duration '\(duration)' is not a duration such as 90s, 15m or 2h")
            }
            scenario.length = .duration(milliseconds: milliseconds)
        }
        if let outOfOrder {
            guard let milliseconds = DurationText.parse(outOfOrder) else {
                throw ValidationError("--out-of-order '\(outOfOrder)' is not a duration such as 500ms or 2s")
            }
            scenario.maxOutOfOrderMs = milliseconds
        }
        let startMs = scenario.startMs
        scenario.drifts = try drift.map { try DriftEpisode(parsing: $0, streamStartMs: startMs) }
        var generator = try TelemetryGenerator(scenario: scenario, seed: seed)
        _ = try OutputFile.write(&generator, to: out)
    }
}
