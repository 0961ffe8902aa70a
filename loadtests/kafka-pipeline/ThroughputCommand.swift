import ArgumentParser
import DriftlineConnectors
import DriftlineCore
import DriftlineEngine
import DriftlineKafka
import DriftlineTestSupport
import Foundation

/// `throughput`: pre-produces generated telemetry into a topic of the mock cluster, then times the
/// engine consuming all of it (Kafka source → windows → Kafka sinks).
struct ThroughputCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "throughput",
        abstract: "Time the engine consuming N pre-produced events from Kafka and writing window results to Kafka.",
        discussion: """
            Produces the first N lines of the generator's stream (inferences with 10 numeric and 2 \
            categorical features, their label events and resource events) into a topic of the mock \
            cluster (3 brokers) with an idempotent producer, checks every record was delivered, then \
            starts a pipeline with 5-minute windows keyed by the whole model and by line, window \
            results, alerts, retraining triggers and dead letters going to Kafka topics. The clock \
            runs until the engine has processed N records; the rate is also given from the first \
            processed record, so the consumer-group join is excluded. The mock keeps only ~5 MiB per \
            partition: records are lz4-compressed by default so 3M events fit in 192 partitions, and \
            every count is checked end to end.
            """)

    @Option(help: "Events (generated lines) to produce and consume.")
    var events = 3_000_000
    @Option(help: "Partitions of the telemetry topic.")
    var partitions = 192
    @Option(help: "Inferences per second of event time (sets how many windows the stream spans).")
    var rate = 200.0
    @Option(help: "The producer's compression.type (none, lz4, snappy, zstd, gzip).")
    var compression = "lz4"
    @Option(
        name: .customLong("consumer-property"),
        help: "A librdkafka property of the engine's Kafka source, KEY=VALUE (repeatable).")
    var consumerProperties: [String] = []
    @Option(help: "Seconds to wait for the engine before the run fails.")
    var timeout = 300.0
    @Option(help: "Seed of the generated telemetry.")
    var seed: UInt64 = 42
    @Flag(help: "Decode on the engine's thread (one core for decoding and processing), not on the consumer's.")
    var singleThread = false

    func run() throws {
        let cluster = try MockKafkaCluster.withTopics([
            ("telemetry", partitions), ("driftline.windows", 4), ("driftline.alerts", 1), ("driftline.retrain", 1),
            ("driftline.dead-letter", 1),
        ])
        defer { cluster.destroy() }
        var scenario = TelemetryScenario()
        scenario.eventsPerSecond = rate
        scenario.length = .inferenceCount(events)
        let baseline = try TelemetryBaseline.build(for: scenario, seed: seed)

        let produced = try produce(scenario: scenario, into: cluster)
        print(
            "produced \(events) events (\(Seconds.format(Double(produced.bytes) / 1e6)) MB of JSON, "
                + "compression \(compression)) into \(partitions) partitions in \(Seconds.format(produced.seconds, 2)) s"
        )

        let connection = Topology.KafkaConnection(properties: ["bootstrap.servers": cluster.bootstrapServers])
        var sourceProperties = connection.properties
        for property in consumerProperties {
            let parts = property.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else {
                throw ValidationError("--consumer-property takes KEY=VALUE, not '\(property)'")
            }
            sourceProperties[parts[0]] = parts[1]
        }
        let topology = Topology(
            name: "load-throughput", time: Topology.TimeSettings(outOfOrdernessMs: 5_000, idleTimeoutMs: 5_000),
            windows: WindowSpec(size: 300_000), keys: [[], ["line"]],
            sources: [
                Topology.SourceSpec(
                    name: "kafka",
                    transport: .kafka(
                        Topology.KafkaSourceSpec(
                            connection: Topology.KafkaConnection(properties: sourceProperties), topics: ["telemetry"],
                            group: "load-throughput")),
                    mapping: .contract(segmentDimensions: ["line"]))
            ],
            sinks: Topology.SinkSpecs(
                results: .kafka(topic: "driftline.windows", connection: connection),
                alerts: [.kafka(topic: "driftline.alerts", connection: connection)],
                retrain: [.kafka(topic: "driftline.retrain", connection: connection)],
                deadLetter: .kafka(topic: "driftline.dead-letter", connection: connection)))
        let pipeline = Pipeline(
            topology: topology, baselines: [baseline], decoding: singleThread ? .engineThread : .readerThread)

        let cpuAtStart = Seconds.processCPU()
        let threadsAtStart = ThreadCPU.sample()
        let start = ContinuousClock.now
        let engine = BackgroundRun {
            ConnectorThread.nameCurrentThread("engine")
            return try pipeline.run()
        }
        var first: (at: ContinuousClock.Instant, records: Int)?
        let deadline = start + .seconds(timeout)
        while pipeline.recordsProcessed < events && ContinuousClock.now < deadline && !engine.isFinished {
            let seen = pipeline.recordsProcessed
            if first == nil && seen > 0 { first = (.now, seen) }
            Thread.sleep(forTimeInterval: 0.001)
        }
        let end = ContinuousClock.now
        let cpu = Seconds.processCPU() - cpuAtStart
        let threadsAtEnd = ThreadCPU.sample()
        let threads = threadsAtEnd.since(threadsAtStart)
        let waiting = threadsAtEnd.totals(since: threadsAtStart).waiting
        pipeline.stop()
        let summary = try engine.result()
        let results = try countRecords(topic: "driftline.windows", cluster: cluster, expected: summary.results)

        let total = Seconds.of(end - start)
        let fromFirst = first.map { Seconds.of(end - $0.at) } ?? .nan
        let afterFirst = Double(events - (first?.records ?? 0))
        print(
            """
            engine processed \(summary.records) records in \(Seconds.format(total, 3)) s from start: \
            \(Int(Double(summary.records) / total)) events/s
            first batch (\(first?.records ?? 0) records) after \(Seconds.format(total - fromFirst, 3)) s (group join); \
            from then on \(Seconds.format(fromFirst, 3)) s: \(Int(afterFirst / fromFirst)) events/s
            process CPU (engine, consumer, mock brokers, sinks) \(Seconds.format(cpu, 2)) s: \
            \(Seconds.format(cpu / Double(summary.records) * 1e6, 2)) µs/event, so two free cores could take \
            ≈ \(Int(2 * Double(summary.records) / cpu)) events/s; machine load average \(Seconds.loadAverage()); \
            this process's threads waited \(Seconds.format(waiting, 2)) s in all for a core held by other processes
            by thread: \(threads)
            outputs: \(summary.results) window results (\(results) read back from driftline.windows), \
            \(summary.alerts) alerts, \(summary.triggers) retraining triggers, dead letters \(summary.deadLetters)
            """)
        guard summary.records == events, results > 0, results == summary.results, summary.deadLetters.isEmpty else {
            throw ValidationError(
                "FAILED: expected \(events) records, no dead letters and every window result on its topic "
                    + "(the mock keeps only ~5 MiB per partition: add partitions or compress)")
        }
    }

    /// Produces the first `events` generated lines; returns their JSON bytes and the time taken.
    private func produce(
        scenario: TelemetryScenario, into cluster: MockKafkaCluster
    ) throws -> (bytes: Int, seconds: Double) {
        let producer = try KafkaProducer(
            properties: KafkaProperties([
                "bootstrap.servers": cluster.bootstrapServers, "linger.ms": "20", "batch.num.messages": "10000",
                "queue.buffering.max.kbytes": "262144", "sticky.partitioning.linger.ms": "0",
                "compression.type": compression,
            ]))
        defer { producer.close() }
        var generator = try TelemetryGenerator(scenario: scenario, seed: seed &+ 1)
        var line: [UInt8] = []
        var bytes = 0
        let start = ContinuousClock.now
        for _ in 0..<events {
            line.removeAll(keepingCapacity: true)
            guard generator.next(into: &line) != nil else { throw ValidationError("the generator ended early") }
            line.removeLast()  // the newline
            bytes += line.count
            try producer.produce(topic: "telemetry", key: nil, value: line)
        }
        guard producer.flush(timeout: .seconds(300)) else { throw ValidationError("the producer did not flush") }
        let counters = producer.counters
        guard counters.delivered == events, counters.failed == 0 else {
            throw ValidationError(
                "FAILED: \(counters.delivered) of \(events) records delivered, \(counters.failed) failed")
        }
        return (bytes, Seconds.of(ContinuousClock.now - start))
    }

    /// Reads `topic` from the beginning until `expected` records arrived or nothing more comes.
    private func countRecords(topic: String, cluster: MockKafkaCluster, expected: Int) throws -> Int {
        let queue = SourceQueue()
        let consumer = try KafkaConsumer(
            properties: KafkaProperties(["bootstrap.servers": cluster.bootstrapServers, "group.id": "load-verify"]),
            topics: [topic], source: 0, queue: queue)
        try consumer.start()
        defer { consumer.stop() }
        var count = 0
        var lastData = ContinuousClock.now
        while count < expected && ContinuousClock.now - lastData < .seconds(15) {
            if case .records(let batch) = queue.take(timeout: .milliseconds(200)) {
                count += batch.records.count
                lastData = .now
            }
        }
        return count
    }
}
