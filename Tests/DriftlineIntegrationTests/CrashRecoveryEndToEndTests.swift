import DriftlineKafka
import DriftlineTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `driftline run` consuming a six-partition Kafka topic while it is being produced, stopped 20
/// times at random points (SIGKILL, or a service manager's SIGTERM) and started again each time,
/// ends where an uninterrupted run of the same topic ends: the same latest revision of every
/// window in the store, the same records on the results, alerts and retraining topics (a record
/// written again after a restart is written with the same id and the same values), the same
/// alert transitions, each made once in the store.
@Suite(.serialized) struct CrashRecoveryEndToEndTests {
    static let restarts = 20

    @Test(arguments: [SIGKILL, SIGTERM])
    func stoppedTwentyTimesItEndsWhereAnUninterruptedRunEnds(signal: Int32) throws {
        try #require(Tools.available, "needs kcat (scripts/setup.sh)")
        let work = try Workspace()
        try work.generateWeldLine(
            seed: 81, duration: "45m",
            drifts: ["latency:x3@+8m..+20m", "feature:current_a:+3@+15m..+30m", "accuracy:0.8@+12m..+28m"])
        try work.writeEngineConfig("shutdown_timeout: 10s\n")
        let kafka = try MockKafkaCluster(brokers: 1)
        defer { kafka.destroy() }
        // Six partitions: the mock cluster drops the oldest records of a partition past a few
        // megabytes, and the uninterrupted run reads the whole stream at the end.
        try kafka.createTopic("events", partitions: 6)
        for run in ["crash", "reference"] {
            for output in ["windows", "alerts", "retrain", "dead"] {
                // The results of 20 restarts (written again) would outgrow what the mock keeps of one partition.
                try kafka.createTopic("\(run).\(output)", partitions: output == "windows" ? Self.resultPartitions : 1)
            }
            _ = try work.write("\(run).yaml", Self.topology(run, bootstrap: kafka.bootstrapServers))
        }
        // One event-time minute per chunk, each record keyed by its request id (a label goes to its
        // inference's partition) or its host.
        let chunks = try Self.keyedChunks(work.lines("events.ndjson"))
        let producer = ChunkProducer(work, chunks: chunks, brokers: kafka.bootstrapServers)

        var random = SeededRandom(seed: UInt64(signal))
        var firstResultAfter: [Double] = []
        let log = open(work.url("crash.log").path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        defer { close(log) }
        var engine: ChildProcess?
        defer { engine?.terminate(grace: 0) }
        // Production keeps ahead of the restarts (two or three minutes each), so every run has new
        // windows to close or revise; the stream's last inferences are at minute 45, and its labels
        // revise windows until minute 55; the rest of the labels (until 01:27) comes after the last stop.
        producer.start(pace: 2.0) { chunk in min(chunk, 50) * Self.restarts / 50 <= producer.stops }
        for _ in 0..<Self.restarts {
            let results = try Self.endOffset(kafka.bootstrapServers, topic: "crash.windows")
            let started = Date()
            let running = try work.start("crash.yaml", log: log)
            engine = running
            let deadline = started.addingTimeInterval(60)
            while try Self.endOffset(kafka.bootstrapServers, topic: "crash.windows") == results && Date() < deadline {
                if running.hasExited {
                    Issue.record("the engine exited: \(try String(contentsOf: work.url("crash.log"), encoding: .utf8))")
                    return
                }
                Thread.sleep(forTimeInterval: 0.05)
            }
            firstResultAfter.append(Date().timeIntervalSince(started))
            try #require(Date() < deadline, "no result within 60 s of a restart")
            // A random point of this run: up to 2 s after its first result.
            Thread.sleep(forTimeInterval: 2 * random.unit())
            kill(running.pid, signal)
            let status = running.waitForExit()
            #expect(status == (signal == SIGKILL ? 128 + SIGKILL : 0))
            producer.stopped()
        }
        producer.wait()
        for run in ["crash", "reference"] {
            let running = try work.start("\(run).yaml", log: log)
            engine = running
            try Self.waitUntilFinal(work, run: run)
            running.terminate()
        }
        let sorted = firstResultAfter.sorted()
        print(
            "restart to first result, \(Self.restarts) restarts after \(signal == SIGKILL ? "SIGKILL" : "SIGTERM"): "
                + "median \(sorted[sorted.count / 2]) s, max \(sorted.last!) s")

        // The store: every window's latest revision, every alert transition and every trigger, once.
        // Records are compared without `at`, the wall-clock time they were written.
        for query in ["windows", "alerts", "triggers"] {
            let crashed = try work.run("driftline", ["query", query, "--store", "crash.db", "--format", "json"])
            let uninterrupted = try work.run(
                "driftline", ["query", query, "--store", "reference.db", "--format", "json"])
            let crashedLines = Self.withoutWriteTimes(crashed.split(separator: "\n").map(String.init))
            #expect(!crashedLines.isEmpty)
            #expect(
                crashedLines == Self.withoutWriteTimes(uninterrupted.split(separator: "\n").map(String.init)),
                "\(query)")
        }
        // The topics. A window's highest revision is its final one, written again after a restart
        // as the same record; earlier revisions are provisional (their accuracy has the labels
        // read so far, which depends on how the partitions' records interleave).
        let crashedWindows = try Self.records(kafka.bootstrapServers, topic: "crash.windows")
        let uninterruptedWindows = try Self.records(kafka.bootstrapServers, topic: "reference.windows")
        let finals = try Self.highestRevisions(crashedWindows)
        #expect(finals.values.allSatisfy { $0.count == 1 }, "a final revision written with different values")
        #expect(finals == (try Self.highestRevisions(uninterruptedWindows)))
        // Alerts, triggers and dead letters: the same records; each transition was written once
        // without restarts.
        for output in ["alerts", "retrain", "dead"] {
            let crashed = try Self.withoutWriteTimes(Self.records(kafka.bootstrapServers, topic: "crash.\(output)"))
            let uninterrupted = try Self.withoutWriteTimes(
                Self.records(kafka.bootstrapServers, topic: "reference.\(output)"))
            #expect(Set(crashed) == Set(uninterrupted), "\(output)")
            #expect(uninterrupted.count == Set(uninterrupted).count, "\(output) written once each without restarts")
        }
        let transitions = try Self.records(kafka.bootstrapServers, topic: "crash.alerts")
        #expect(transitions.contains { $0.contains("\"state\":\"firing\"") })
        #expect(transitions.contains { $0.contains("\"state\":\"resolved\"") })
    }

    /// `records` without their `at` members (when each was written), sorted.
    static func withoutWriteTimes(_ records: [String]) -> [String] {
        records.map { $0.replacingOccurrences(of: #""at":"[^"]*","#, with: "", options: .regularExpression) }.sorted()
    }

    /// Per window (model, version, segment, start), the distinct records of its highest revision.
    static func highestRevisions(_ records: [String]) throws -> [String: Set<String>] {
        var highest: [String: (revision: Int, records: Set<String>)] = [:]
        for record in records {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(record.utf8)) as? [String: Any])
            let segment = try JSONSerialization.data(withJSONObject: object["segment"] ?? [:], options: .sortedKeys)
            let window = try #require(object["window"] as? [String: Any])
            let key =
                "\(object["model"]!)/\(object["version"]!)/\(String(decoding: segment, as: UTF8.self))/\(window["start"]!)"
            let revision = try #require(object["revision"] as? Int)
            if let current = highest[key], current.revision > revision { continue }
            if let current = highest[key], current.revision == revision {
                highest[key]?.records.insert(record)
            } else {
                highest[key] = (revision, [record])
            }
        }
        return highest.mapValues(\.records)
    }

    static func topology(_ run: String, bootstrap: String) -> String {
        """
        name: \(run)
        time: {out_of_orderness: 5s, idle_timeout: 1h}
        windows: {size: 1m}
        keys: [[], [line]]
        labels: {wait: 10m}
        baselines: [b.json]
        connections:
          cluster:
            type: kafka
            properties: {bootstrap.servers: "\(bootstrap)", session.timeout.ms: "4000", heartbeat.interval.ms: "500"}
        sources:
          - {name: events, type: kafka, connection: cluster, topics: [events], group: \(run)}
        sinks:
          results: {type: kafka, connection: cluster, topic: \(run).windows}
          alerts: {type: kafka, connection: cluster, topic: \(run).alerts}
          retrain: {type: kafka, connection: cluster, topic: \(run).retrain}
          dead_letter: {type: kafka, connection: cluster, topic: \(run).dead}
        store: {path: \(run).db}
        """
    }

    /// `events` as kcat input (`KEY<TAB>RECORD` lines), one chunk per event-time minute.
    static func keyedChunks(_ events: [String]) -> [String] {
        var chunks: [String: [String]] = [:]
        for line in events {
            let key = field("request_id", in: line) ?? field("host", in: line) ?? "none"
            // "ts":"2026-11-26T00:MM: names the minute.
            let minute = String(line[line.range(of: "\"ts\":\"")!.upperBound...].prefix(16))
            chunks[minute, default: []].append("\(key)\t\(line)")
        }
        return chunks.keys.sorted().map { chunks[$0]!.joined(separator: "\n") + "\n" }
    }

    static func field(_ name: String, in line: String) -> String? {
        guard let start = line.range(of: "\"\(name)\":\"") else { return nil }
        return String(line[start.upperBound...].prefix { $0 != "\"" })
    }

    static let resultPartitions = 8

    /// The sum of the end offsets of a results topic's partitions.
    static func endOffset(_ brokers: String, topic: String) throws -> Int {
        let answer = try Tools.run(
            "/usr/bin/kcat", ["-Q", "-b", brokers] + (0..<resultPartitions).flatMap { ["-t", "\(topic):\($0):-1"] })
        // Lines `TOPIC [PARTITION] offset N`.
        return answer.split(separator: "\n").compactMap { $0.split(separator: " ").last.flatMap { Int($0) } }
            .reduce(0, +)
    }

    /// Waits (at most 2 minutes) until the store of `run` holds the final revision of the last
    /// minute's windows, which the closing records let close.
    static func waitUntilFinal(_ work: Workspace, run: String) throws {
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            guard FileManager.default.fileExists(atPath: work.url("\(run).db").path) else {
                Thread.sleep(forTimeInterval: 0.5)
                continue
            }
            let last = try work.run(
                "driftline",
                ["query", "windows", "--store", "\(run).db", "--from", "2026-11-26T00:44:00Z", "--format", "json"])
            let lines = last.split(separator: "\n")
            if !lines.isEmpty && lines.allSatisfy({ $0.contains("\"final\":true") }) { return }
            Thread.sleep(forTimeInterval: 0.5)
        }
        Issue.record("\(run) never closed its last windows")
    }

    /// Every record of a topic, as its text.
    static func records(_ brokers: String, topic: String) throws -> [String] {
        try Tools.run("/usr/bin/kcat", ["-C", "-b", brokers, "-t", topic, "-o", "beginning", "-e", "-q"])
            .split(separator: "\n").map(String.init)
    }
}

/// Produces chunks of keyed records with kcat on a thread of its own, one at a time, each when
/// `allowed` lets it and at least `pace` seconds after the one before.
final class ChunkProducer: @unchecked Sendable {
    // @unchecked: `stopCount` and `done` are guarded by `lock`.
    private let work: Workspace
    private let chunks: [String]
    private let brokers: String
    private let lock = NSCondition()
    private var stopCount = 0
    private var done = false

    init(_ work: Workspace, chunks: [String], brokers: String) {
        self.work = work
        self.chunks = chunks
        self.brokers = brokers
    }

    /// How many times the engine has been stopped so far.
    var stops: Int { lock.withLock { stopCount } }

    func stopped() { lock.withLock { stopCount += 1 } }

    func start(pace: Double, allowed: @escaping @Sendable (Int) -> Bool) {
        Thread {
            for (index, chunk) in self.chunks.enumerated() {
                while !allowed(index) { Thread.sleep(forTimeInterval: 0.1) }
                let file = try! self.work.write("chunk-\(index).txt", chunk)
                _ = try! Tools.run(
                    "/usr/bin/kcat", ["-P", "-b", self.brokers, "-t", "events", "-K", "\t"], stdin: file)
                Thread.sleep(forTimeInterval: pace)
            }
            // A record past the stream's last label in each partition: the watermark passes every
            // window's end and label wait, so every window closes with its final accuracy.
            let closing = try! self.work.write(
                "closing.txt",
                #"{"type":"resource","model":"weld-defect-cls","version":"3.2.0","host":"edge-01","ts":"2026-11-26T01:40:00.000Z","cpu_pct":50}"#
                    + "\n")
            for partition in 0..<6 {
                _ = try! Tools.run(
                    "/usr/bin/kcat", ["-P", "-b", self.brokers, "-t", "events", "-p", "\(partition)"], stdin: closing)
            }
            self.lock.withLock {
                self.done = true
                self.lock.broadcast()
            }
        }.start()
    }

    /// Waits until every chunk is produced.
    func wait() {
        lock.withLock { while !done { lock.wait() } }
    }
}

extension Workspace {
    /// Starts `driftline run TOPOLOGY --config engine.yaml` in the workspace, its standard error
    /// appended to `log`.
    func start(_ topology: String, log: Int32) throws -> ChildProcess {
        try ChildProcess(
            [executable("driftline").path, "run", url(topology).path, "--config", url("engine.yaml").path],
            standardError: log)
    }
}
