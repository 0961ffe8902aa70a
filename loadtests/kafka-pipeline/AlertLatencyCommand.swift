import ArgumentParser
import DriftlineConnectors
import DriftlineCore
import DriftlineEngine
import DriftlineKafka
import DriftlineTestSupport
import Foundation

/// `alert-latency`: a producer sends telemetry in real time (event time = wall time) whose latency
/// spikes in every other window; every alert is stamped as it arrives on the alerts topic and
/// compared with the moment the watermark passed its window's end.
struct AlertLatencyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alert-latency",
        abstract: "Measure the time from a window's close to its alert on the output topic.",
        discussion: """
            Sends --rate inferences/s into a one-partition topic, each when the wall clock reaches its \
            event time, with latencies multiplied by --spike in every other window, so \
            latency_p99_high fires and resolves at every window end (for the whole model and each line). \
            With out-of-orderness 0 the watermark passes a window's end when the first event at or after \
            the end reaches the engine: the latency of an alert is its arrival on the alerts topic (read \
            by a consumer of its own) minus the send time of that event. The figure includes the \
            producer's linger, the engine's fetch and batch loop, the sink's linger and the watcher's fetch.
            """)

    @Option(help: "Seconds of telemetry to send.")
    var seconds = 60
    @Option(help: "Inferences per second (event time = wall time).")
    var rate = 2_000.0
    @Option(help: "Window size in milliseconds.")
    var windowMs: Int64 = 500
    @Option(help: "Latency multiplier of the spiking windows.")
    var spike = 4.0
    @Option(help: "linger.ms of the feeding producer and of the engine's sinks.")
    var lingerMs = 5
    @Option(help: "fetch.wait.max.ms of the engine's source and of the alert watcher.")
    var fetchWaitMs = 10
    @Option(help: "Seconds to wait after start for the consumer groups to join.")
    var warmup = 5.0
    @Option(help: "Seed of the generated telemetry.")
    var seed: UInt64 = 42

    func run() throws {
        let cluster = try MockKafkaCluster.withTopics([
            ("telemetry", 1), ("driftline.windows", 1), ("driftline.alerts", 1), ("driftline.retrain", 1),
            ("driftline.dead-letter", 1),
        ])
        defer { cluster.destroy() }
        var scenario = TelemetryScenario()
        scenario.eventsPerSecond = rate
        scenario.length = .duration(milliseconds: Int64(seconds) * 1000)
        scenario.labels.delayedFraction = 0
        scenario.resources.hosts = []
        let baseline = try TelemetryBaseline.build(for: scenario, seed: seed)

        let brokers = cluster.bootstrapServers
        let source = Topology.KafkaConnection(properties: [
            "bootstrap.servers": brokers, "fetch.wait.max.ms": "\(fetchWaitMs)",
        ])
        let sink = Topology.KafkaConnection(properties: ["bootstrap.servers": brokers, "linger.ms": "\(lingerMs)"])
        let topology = Topology(
            name: "load-alert-latency",
            time: Topology.TimeSettings(outOfOrdernessMs: 0, allowedLatenessMs: 0, idleTimeoutMs: 5_000),
            windows: WindowSpec(size: windowMs), keys: [[], ["line"]], labels: Topology.LabelSettings(waitMs: 0),
            sources: [
                Topology.SourceSpec(
                    name: "kafka",
                    transport: .kafka(
                        Topology.KafkaSourceSpec(connection: source, topics: ["telemetry"], group: "load-latency")),
                    mapping: .contract(segmentDimensions: ["line"]))
            ],
            sinks: Topology.SinkSpecs(
                results: .kafka(topic: "driftline.windows", connection: sink),
                alerts: [.kafka(topic: "driftline.alerts", connection: sink)],
                retrain: [.kafka(topic: "driftline.retrain", connection: sink)],
                deadLetter: .kafka(topic: "driftline.dead-letter", connection: sink)))
        let pipeline = Pipeline(topology: topology, baselines: [baseline])
        let engine = BackgroundRun { try pipeline.run() }

        let watcherQueue = SourceQueue()
        let watcher = try KafkaConsumer(
            properties: KafkaProperties([
                "bootstrap.servers": brokers, "group.id": "load-latency-watch", "fetch.wait.max.ms": "\(fetchWaitMs)",
            ]),
            topics: ["driftline.alerts"], source: 0, queue: watcherQueue)
        try watcher.start()
        defer { watcher.stop() }
        var arrivals: [AlertArrival] = []
        let joinDeadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < joinDeadline {
            if case .assigned = watcherQueue.take(timeout: .milliseconds(100)) { break }
        }
        Thread.sleep(forTimeInterval: warmup)

        let (played, window, spike, lingerMs, seed) = (scenario, windowMs, spike, lingerMs, seed)
        let feeder = BackgroundRun {
            try RealTimeFeeder.feed(
                scenario: played, windowMs: window, spike: spike, seed: seed &+ 1,
                producer: KafkaProducer(
                    properties: KafkaProperties(["bootstrap.servers": brokers, "linger.ms": "\(lingerMs)"])))
        }
        while !feeder.isFinished {
            if let message = watcherQueue.take(timeout: .milliseconds(100)) { arrivals += AlertArrival.stamp(message) }
        }
        let fed = try feeder.result()
        // The engine takes every record sent; then the last alerts reach their topic.
        let deadline = ContinuousClock.now + .seconds(30)
        var settle = ContinuousClock.now + .seconds(2)
        while ContinuousClock.now < deadline
            && (pipeline.recordsProcessed < fed.records || ContinuousClock.now < settle)
        {
            if pipeline.recordsProcessed < fed.records { settle = .now + .seconds(2) }
            if let message = watcherQueue.take(timeout: .milliseconds(100)) { arrivals += AlertArrival.stamp(message) }
        }
        pipeline.stop()
        let summary = try engine.result()
        report(arrivals: arrivals, fed: fed, summary: summary)
        guard summary.records == fed.records else {
            throw ValidationError("FAILED: sent \(fed.records) records, the engine processed \(summary.records)")
        }
    }

    private func report(arrivals: [AlertArrival], fed: RealTimeFeeder.Fed, summary: RunSummary) {
        var latencies: [Double] = []
        var unmatched = 0
        var counts: [String: Int] = [:]
        for arrival in arrivals {
            counts["\(arrival.rule) \(arrival.state)", default: 0] += 1
            guard let passed = fed.boundarySendMs[arrival.windowEndMs] else {
                unmatched += 1
                continue
            }
            latencies.append(arrival.arrivalMs - passed)
        }
        let windows = fed.boundarySendMs.count
        print(
            """
            sent \(fed.records) records over \(windows) window ends (at most \(Seconds.format(fed.maxLagMs)) ms behind \
            event time); engine processed \(summary.records), wrote \(summary.results) window results, \
            \(summary.alerts) alerts
            alerts read back: \(arrivals.count) (\(counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))); \
            \(unmatched) without a recorded window end
            window close → alert on the output topic: \(LatencyStats(latencies).summary)
            """)
    }
}
