import DriftlineCore
import DriftlineEngine
import DriftlineKafka
import DriftlineTestSupport
import Foundation
import Synchronization
import Testing

/// A streaming engine (a Kafka source on librdkafka's mock cluster) writes its history store while
/// Debian's `sqlite3` command-line tool reads the file read-only, again and again.
@Suite(.serialized) struct StoreLiveReadEndToEndTests {
    static let sqlite3 = "/usr/bin/sqlite3"

    /// What one live run saw: every `sqlite3` read during it, the results file, and the store after it.
    struct LiveRun {
        /// Each read's answer in order, or the tool's output when it failed.
        var reads: [Result<[Int], ReadFailure>]
        /// `last_seen` of the baseline as `sqlite3` read it when each chunk of input had been processed.
        var lastSeenAfterChunk: [Int]
        var firstSeen: Int
        var resultLines: Int
        var storedAfter: [Int]
    }

    struct ReadFailure: Error, Equatable {
        var output: String
    }

    /// The reading thread's log, and when it should stop.
    final class ReadLog: Sendable {
        let stop = Atomic<Bool>(false)
        let reads = Mutex<[Result<[Int], ReadFailure>]>([])
    }

    /// One `sqlite3 -readonly` run of `sql` on `store`: its output as integers, one per line.
    static func read(_ store: URL, _ sql: String) -> Result<[Int], ReadFailure> {
        do {
            let (status, output) = try ChildProcess.run(
                ["/bin/sh", "-c", "exec \(sqlite3) -readonly '\(store.path)' \"\(sql)\" 2>&1"])
            let text = String(decoding: output, as: UTF8.self)
            let numbers = text.split(separator: "\n").compactMap { Int($0) }
            guard status == 0, numbers.count == text.split(separator: "\n").count, !numbers.isEmpty else {
                return .failure(ReadFailure(output: "status \(status): \(text)"))
            }
            return .success(numbers)
        } catch {
            return .failure(ReadFailure(output: "\(error)"))
        }
    }

    /// Ten minutes of plant time in 10-second windows keyed by the whole model and by line, fed to
    /// the engine in `chunks` pieces `pause` seconds apart (each closes about a dozen windows, so the
    /// store commits batches all along the run), while a thread runs `sqlite3` on the store.
    static func liveRun(chunks: Int = 8, pause: Double = 0.8) throws -> LiveRun {
        let work = try Workspace()
        let kafka = try MockKafkaCluster(brokers: 1)
        defer { kafka.destroy() }
        try kafka.createTopic("telemetry", partitions: 1)

        var scenario = TelemetryScenario()
        scenario.eventsPerSecond = 20
        scenario.length = .duration(milliseconds: 10 * 60_000)
        let baseline = try TelemetryBaseline.build(for: scenario, seed: 31)
        var generator = try TelemetryGenerator(scenario: scenario, seed: 32)
        var lines: [String] = []
        while let line = generator.next() { lines.append(String(decoding: line.dropLast(), as: UTF8.self)) }
        // Label events run on for up to 45 minutes past the last inference: every chunk should close windows.
        if let last = lines.lastIndex(where: { $0.contains(#""type":"inference""#) }) {
            lines.removeSubrange((last + 1)...)
        }
        let store = work.url("history.db")
        let topology = Topology(
            name: "live-store", time: Topology.TimeSettings(outOfOrdernessMs: 0), windows: WindowSpec(size: 10_000),
            keys: [[], ["line"]], labels: Topology.LabelSettings(waitMs: 30_000),
            sources: [
                Topology.SourceSpec(
                    name: "kafka",
                    transport: .kafka(
                        Topology.KafkaSourceSpec(
                            connection: Topology.KafkaConnection(properties: [
                                "bootstrap.servers": kafka.bootstrapServers
                            ]),
                            topics: ["telemetry"], group: "live-store")),
                    mapping: .contract(segmentDimensions: ["line"]))
            ],
            sinks: Topology.SinkSpecs(
                results: .file(path: work.url("windows.ndjson").path),
                alerts: [.file(path: work.url("alerts.ndjson").path)],
                deadLetter: .file(path: work.url("dead.ndjson").path)),
            store: Topology.StoreSpec(path: store.path))
        let pipeline = Pipeline(topology: topology, baselines: [baseline])
        let engine = BackgroundRun { try pipeline.run() }

        // The reader: as fast as sqlite3 starts, until told to stop.
        let log = ReadLog()
        let reader = BackgroundRun {
            // From the moment the engine has created the store (its file exists before the
            // migrations commit the tables).
            let deadline = Date().addingTimeInterval(30)
            let created = "SELECT COUNT(*) FROM sqlite_master WHERE name = 'window_results'"
            while (try? Self.read(store, created).get()) != [1] && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.01)
            }
            while !log.stop.load(ordering: .relaxed) {
                let read = Self.read(store, "SELECT COUNT(*) FROM window_results")
                log.reads.withLock { $0.append(read) }
            }
        }

        var lastSeen: [Int] = []
        var firstSeen = 0
        var sent = 0
        for chunk in 0..<chunks {
            let end = lines.count * (chunk + 1) / chunks
            let url = try work.write("chunk\(chunk).ndjson", lines[sent..<end].joined(separator: "\n") + "\n")
            try Tools.run("/usr/bin/kcat", ["-P", "-b", kafka.bootstrapServers, "-t", "telemetry", "-l", url.path])
            sent = end
            let deadline = Date().addingTimeInterval(30)
            while pipeline.recordsProcessed < sent && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            Thread.sleep(forTimeInterval: pause)  // the store commits what the chunk closed
            // On a loaded machine the commit can come later: wait up to 20 s for last_seen to move.
            let committed = Date().addingTimeInterval(20)
            while case .success(let seen) = Self.read(
                store, "SELECT first_seen || char(10) || last_seen FROM baselines")
            {
                firstSeen = seen[0]
                if seen[1] > (lastSeen.last ?? seen[0]) || Date() >= committed {
                    lastSeen.append(seen[1])
                    break
                }
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        pipeline.stop()
        let summary = try engine.result()
        log.stop.store(true, ordering: .relaxed)
        try reader.result()
        #expect(summary.records == lines.count)
        let after = Self.read(store, "SELECT COUNT(*) FROM window_results")
        return LiveRun(
            reads: log.reads.withLock { $0 }, lastSeenAfterChunk: lastSeen, firstSeen: firstSeen,
            resultLines: try work.lines("windows.ndjson").count, storedAfter: (try? after.get()) ?? [])
    }

    @Test func sqlite3ReadsTheStoreReadOnlyWhileTheEngineWrites() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.sqlite3), "needs sqlite3 (scripts/setup.sh)")
        try #require(Tools.available, "needs kcat (scripts/setup.sh)")
        let run = try Self.liveRun()
        var counts: [Int] = []
        for (index, read) in run.reads.enumerated() {
            switch read {
            case .success(let values): counts.append(values[0])
            case .failure(let failure):
                let position = "sqlite3 read \(index + 1) of \(run.reads.count), after a count of \(counts.last ?? -1)"
                Issue.record("\(position), failed: \(failure.output)")
            }
        }
        // Many reads overlapped the run, and they saw the store grow, never shrink.
        #expect(counts.count >= 20, "only \(counts.count) reads")
        #expect(zip(counts, counts.dropFirst()).allSatisfy { $0 <= $1 }, "\(counts)")
        #expect(Set(counts).count >= 4, "the reads saw too few commits: \(Set(counts).sorted())")
        #expect(run.resultLines > 300)
        #expect(run.storedAfter == [run.resultLines])
    }

    @Test func lastSeenMovesForwardWhileTheRunGoesOn() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.sqlite3), "needs sqlite3 (scripts/setup.sh)")
        try #require(Tools.available, "needs kcat (scripts/setup.sh)")
        let run = try Self.liveRun(chunks: 4, pause: 0.6)
        // Read before the run ended: the first chunk's windows already moved it past the start.
        #expect(run.lastSeenAfterChunk.count == 4)
        #expect(run.lastSeenAfterChunk.first ?? 0 > run.firstSeen)
        #expect(
            zip(run.lastSeenAfterChunk, run.lastSeenAfterChunk.dropFirst()).allSatisfy { $0 < $1 },
            "first_seen \(run.firstSeen), last_seen after each chunk \(run.lastSeenAfterChunk)")
    }
}
