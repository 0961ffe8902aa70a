import ArgumentParser

/// Generates seeded contract-shaped event streams with injected drift, offline reference and test
/// sets, and measures how fast they can be generated.
@main
struct LoadGen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "driftline-loadgen",
        abstract: "Generate seeded, contract-shaped telemetry (NDJSON) with injected drift.",
        subcommands: [EventsCommand.self, ReferenceCommand.self, TestSetCommand.self, ThroughputCommand.self]
    )
}
