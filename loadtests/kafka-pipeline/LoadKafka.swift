import ArgumentParser

/// Load scenarios of the Kafka path: the engine consuming telemetry from librdkafka's mock
/// cluster and writing its outputs back to Kafka topics.
@main
struct LoadKafka: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "driftline-load-kafka",
        abstract:
            "Measure Kafka → engine → Kafka throughput and end-to-end alert latency on the embedded mock cluster.",
        subcommands: [ThroughputCommand.self, AlertLatencyCommand.self]
    )
}
