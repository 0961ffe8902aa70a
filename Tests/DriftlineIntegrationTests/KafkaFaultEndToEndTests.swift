import DriftlineKafka
import DriftlineTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `driftline run` reading a plant's Kafka cluster and writing results and alerts to another,
/// through faults of either: each is reported or retried, and every record still arrives once,
/// exactly as stored.
@Suite(.serialized) struct KafkaFaultEndToEndTests {
    /// The results cluster goes away for 30 s while the stream goes on: the engine says so, its
    /// intake waits (nothing more is counted or stored meanwhile) in bounded memory, and when the
    /// cluster is back it catches up.
    @Test func aResultsClusterAwayFor30sPausesIntakeAndLosesNothing() throws {
        let run = try FaultRun()
        defer { run.stop() }
        try run.outputs.setBrokerDown(1)
        // The rest of the stream arrives during the stall, two event-time minutes a second.
        var rest = run.chunks[10...]
        var peakRSS = 0
        var storedDuringStall: [Int] = []
        for second in 0..<30 {
            if !rest.isEmpty {
                try run.produce(rest.prefix(2), closing: rest.count <= 2)
                rest = rest.dropFirst(2)
            }
            Thread.sleep(forTimeInterval: 1)
            peakRSS = max(peakRSS, Self.residentKiB(run.engine.pid))
            if second == 5 || second == 29 { storedDuringStall.append(try run.storedWindows()) }
        }
        #expect(rest.isEmpty)
        #expect(!run.engine.hasExited)
        print("peak RSS during a 30 s stall of the results cluster: \(peakRSS / 1024) MiB (debug build)")
        try run.outputs.setBrokerUp(1)
        try run.finish()

        let log = try String(contentsOf: run.work.url("engine.log"), encoding: .utf8)
        #expect(log.contains("Kafka topic windows: ") && log.contains("not acknowledged after 10 s; intake waits"))
        #expect(!log.contains("not delivered"), "\(log)")
        #expect(storedDuringStall.count == 2 && storedDuringStall[0] == storedDuringStall[1], "intake paused")
        #expect(try run.storedWindows() > storedDuringStall[1], "intake resumed")
        #expect(peakRSS < 300 * 1024, "peak RSS \(peakRSS) KiB during the stall")
        try run.expectEverythingDeliveredOnce()
    }

    /// Fetch requests to the plant's cluster and produce requests to the results cluster fail a
    /// few times with retriable errors: nothing is lost or counted twice (every minute's
    /// inferences are in its window exactly), and the idempotent producer writes nothing twice.
    @Test func failedFetchAndProduceRequestsAreRetriedAndLoseNothing() throws {
        let run = try FaultRun()
        defer { run.stop() }
        let errors: [KafkaError.Code] = [.notLeaderForPartition, .requestTimedOut, .notLeaderForPartition]
        try run.plant.pushRequestErrors(apiKey: .fetch, errors: errors + errors)
        try run.outputs.pushRequestErrors(apiKey: .produce, errors: errors)
        try run.produce(run.chunks[10...], closing: true)
        try run.finish()

        try run.expectEverythingDeliveredOnce()
        let counted = try run.work.wholeModelCounts(store: "history.db")
        #expect(counted.count == 20)
        #expect(counted == (try run.work.inferencesPerMinute("events.ndjson")))
    }

    /// The resident set size of process `pid`, in KiB.
    static func residentKiB(_ pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}

extension Workspace {
    /// An independent recount: the inferences of each minute of `file`, by the minute's start.
    func inferencesPerMinute(_ file: String) throws -> [String: Int] {
        var perMinute: [String: Int] = [:]
        for line in try lines(file) where line.contains(#""type":"inference""#) {
            let minute = line[line.range(of: #""ts":""#)!.upperBound...].prefix(16)
            perMinute["\(minute):00.000Z", default: 0] += 1
        }
        return perMinute
    }

    /// The count of each whole-model window (latest revision) in `store`, by the window's start.
    func wholeModelCounts(store: String) throws -> [String: Int] {
        var counted: [String: Int] = [:]
        for line in try run("driftline", ["query", "windows", "--store", store, "--format", "json"])
            .split(separator: "\n")
        {
            let window = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            guard (window["segment"] as? [String: Any])?.isEmpty == true else { continue }
            counted[(window["window"] as! [String: Any])["start"] as! String] = window["count"] as? Int
        }
        return counted
    }
}

/// A plant cluster with `events` (2 partitions), a results cluster with `windows` and `alerts`,
/// 20 minutes of a weld line (latency drift from minute 5 to 12) and `driftline run` from one to
/// the other with a store, started once the first 10 minutes are in and their first result is out.
final class FaultRun {
    let work: Workspace
    let plant: MockKafkaCluster
    let outputs: MockKafkaCluster
    /// One event-time minute of keyed records each.
    let chunks: [String]
    private(set) var engine: ChildProcess!
    private var log: Int32 = -1

    init() throws {
        try #require(Tools.available, "needs kcat (scripts/setup.sh)")
        work = try Workspace()
        try work.generateWeldLine(seed: 91, duration: "20m", drifts: ["latency:x3@+5m..+12m"])
        try work.writeEngineConfig("shutdown_timeout: 10s\n")
        plant = try MockKafkaCluster(brokers: 1)
        outputs = try MockKafkaCluster(brokers: 1)
        try plant.createTopic("events", partitions: 2)
        for topic in ["windows", "alerts"] { try outputs.createTopic(topic, partitions: 1) }
        _ = try work.write(
            "faults.yaml",
            """
            name: faults
            time: {out_of_orderness: 5s, idle_timeout: 1h}
            windows: {size: 1m}
            keys: [[], [line]]
            labels: {wait: 5m}
            baselines: [b.json]
            connections:
              plant: {type: kafka, properties: {bootstrap.servers: "\(plant.bootstrapServers)"}}
              outputs: {type: kafka, properties: {bootstrap.servers: "\(outputs.bootstrapServers)"}}
            sources:
              - {name: events, type: kafka, connection: plant, topics: [events], group: faults}
            sinks:
              results: {type: kafka, connection: outputs, topic: windows}
              alerts: {type: kafka, connection: outputs, topic: alerts}
              dead_letter: {type: file, path: dead.ndjson}
            store: {path: history.db}
            """)
        chunks = CrashRecoveryEndToEndTests.keyedChunks(try work.lines("events.ndjson"))
        log = open(work.url("engine.log").path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        try produce(chunks[..<10], closing: false)
        engine = try work.start("faults.yaml", log: log)
        let deadline = Date().addingTimeInterval(60)
        while try delivered("windows").isEmpty && Date() < deadline { Thread.sleep(forTimeInterval: 0.2) }
        guard Date() < deadline else {
            stop()
            throw WorkspaceError(message: "no result reached the results cluster within 60 s")
        }
    }

    /// Produces `chunks` to the plant's cluster; with `closing`, then a record past the stream's
    /// last label in each partition, which closes every window.
    func produce(_ chunks: ArraySlice<String>, closing: Bool) throws {
        let file = try work.write("chunks.txt", chunks.joined())
        try Tools.run("/usr/bin/kcat", ["-P", "-b", plant.bootstrapServers, "-t", "events", "-K", "\t"], stdin: file)
        guard closing else { return }
        let record = try work.write(
            "closing.txt",
            #"{"type":"resource","model":"weld-defect-cls","version":"3.2.0","host":"edge-01","ts":"2026-11-26T01:20:00.000Z","cpu_pct":50}"#
                + "\n")
        for partition in ["0", "1"] {
            try Tools.run(
                "/usr/bin/kcat", ["-P", "-b", plant.bootstrapServers, "-t", "events", "-p", partition], stdin: record)
        }
    }

    /// The window rows in the store now.
    func storedWindows() throws -> Int {
        let count = try Tools.run(
            "/usr/bin/sqlite3", ["-readonly", work.url("history.db").path, "SELECT count(*) FROM windows"])
        return Int(count.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// Every record of the results cluster's `topic`.
    func delivered(_ topic: String) throws -> [String] {
        try CrashRecoveryEndToEndTests.records(outputs.bootstrapServers, topic: topic)
    }

    /// Every revision of every window in the store, as its record.
    func storedRevisions() throws -> [String] {
        try work.run("driftline", ["query", "windows", "--store", "history.db", "--all-revisions", "--format", "json"])
            .split(separator: "\n").map(String.init)
    }

    /// Waits (at most 2 minutes) until the last minute's windows are stored and everything stored
    /// is delivered, then stops the engine with SIGTERM.
    func finish() throws {
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let stored = try storedRevisions()
            let windows = try delivered("windows")
            if stored.contains(where: { $0.contains(#""start":"2026-11-26T00:19:00.000Z""#) })
                && Set(windows) == Set(stored)
            {
                break
            }
            Thread.sleep(forTimeInterval: 1)
        }
        engine.terminate()
    }

    /// Every stored window revision and alert transition is on the results cluster, once.
    func expectEverythingDeliveredOnce() throws {
        let stored = try storedRevisions()
        let windows = try delivered("windows")
        #expect(!stored.isEmpty)
        #expect(Set(windows) == Set(stored))
        #expect(windows.count == stored.count)
        let alerts = try work.run("driftline", ["query", "alerts", "--store", "history.db", "--format", "json"])
        let deliveredAlerts = try delivered("alerts")
        #expect(!deliveredAlerts.isEmpty)
        #expect(Set(alerts.split(separator: "\n").map(String.init)) == Set(deliveredAlerts))
        #expect(deliveredAlerts.count == Set(deliveredAlerts).count)
    }

    /// Stops the engine if it still runs and releases the clusters.
    func stop() {
        engine.terminate(grace: 0)
        close(log)
        plant.destroy()
        outputs.destroy()
    }
}
