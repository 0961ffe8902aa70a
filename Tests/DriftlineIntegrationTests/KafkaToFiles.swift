import DriftlineCore
import DriftlineEngine
import DriftlineTestSupport
import Foundation

/// A pipeline reading one Kafka source into NDJSON files of a `Workspace` (windows.ndjson,
/// alerts.ndjson, dead.ndjson), run on its own thread.
struct KafkaToFiles {
    let pipeline: Pipeline
    let engine: BackgroundRun<RunSummary>

    init(
        _ work: Workspace, properties: [String: String], topics: [String], group: String, mapping: FieldMapping,
        time: Topology.TimeSettings = Topology.TimeSettings(outOfOrdernessMs: 0)
    ) {
        let topology = Topology(
            name: group, time: time, windows: WindowSpec(size: 60_000),
            sources: [
                Topology.SourceSpec(
                    name: group,
                    transport: .kafka(
                        Topology.KafkaSourceSpec(
                            connection: Topology.KafkaConnection(properties: properties), topics: topics, group: group)),
                    mapping: mapping)
            ],
            sinks: Topology.SinkSpecs(
                results: .file(path: work.url("windows.ndjson").path),
                alerts: [.file(path: work.url("alerts.ndjson").path)],
                deadLetter: .file(path: work.url("dead.ndjson").path)))
        pipeline = Pipeline(topology: topology, baselines: [])
        let pipeline = pipeline
        engine = BackgroundRun { try pipeline.run() }
    }

    /// Waits up to 30 s for `condition`.
    func wait(until condition: (Pipeline) -> Bool) {
        let deadline = Date().addingTimeInterval(30)
        while !condition(pipeline) && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
    }

    /// Stops the pipeline and returns its summary.
    func stop() throws -> RunSummary {
        pipeline.stop()
        return try engine.result()
    }
}
