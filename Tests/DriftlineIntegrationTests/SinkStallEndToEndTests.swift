import DriftlineKafka
import DriftlineTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `driftline run` whose results and alerts go to a Kafka cluster that goes away for 30 s: the
/// engine says so, its intake waits (nothing more is counted or stored meanwhile) in bounded
/// memory, and when the cluster is back every record reaches it, exactly as stored.
@Suite(.serialized) struct SinkStallEndToEndTests {
    @Test func aResultsClusterAwayFor30sPausesIntakeAndLosesNothing() throws {
        try #require(Tools.available, "needs kcat (scripts/setup.sh)")
        let work = try Workspace()
        try work.generateWeldLine(seed: 91, duration: "20m", drifts: ["latency:x3@+5m..+12m"])
        try work.writeEngineConfig("shutdown_timeout: 10s\n")
        let plant = try MockKafkaCluster(brokers: 1)
        defer { plant.destroy() }
        let outputs = try MockKafkaCluster(brokers: 1)
        defer { outputs.destroy() }
        try plant.createTopic("events", partitions: 2)
        for topic in ["windows", "alerts"] { try outputs.createTopic(topic, partitions: 1) }
        _ = try work.write(
            "stall.yaml",
            """
            name: stall
            time: {out_of_orderness: 5s, idle_timeout: 1h}
            windows: {size: 1m}
            keys: [[], [line]]
            labels: {wait: 5m}
            baselines: [b.json]
            connections:
              plant: {type: kafka, properties: {bootstrap.servers: "\(plant.bootstrapServers)"}}
              outputs: {type: kafka, properties: {bootstrap.servers: "\(outputs.bootstrapServers)"}}
            sources:
              - {name: events, type: kafka, connection: plant, topics: [events], group: stall}
            sinks:
              results: {type: kafka, connection: outputs, topic: windows}
              alerts: {type: kafka, connection: outputs, topic: alerts}
              dead_letter: {type: file, path: dead.ndjson}
            store: {path: history.db}
            """)
        let chunks = CrashRecoveryEndToEndTests.keyedChunks(try work.lines("events.ndjson"))
        func produce(_ chunks: ArraySlice<String>, name: String) throws {
            let file = try work.write(name, chunks.joined())
            try Tools.run(
                "/usr/bin/kcat", ["-P", "-b", plant.bootstrapServers, "-t", "events", "-K", "\t"], stdin: file)
        }
        func stored() throws -> Int {
            Int(
                try Tools.run(
                    "/usr/bin/sqlite3", ["-readonly", work.url("history.db").path, "SELECT count(*) FROM windows"]
                )
                .trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        }

        try produce(chunks[..<10], name: "first.txt")
        let log = open(work.url("engine.log").path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        defer { close(log) }
        let engine = try work.start("stall.yaml", log: log)
        defer { engine.terminate(grace: 0) }
        var deadline = Date().addingTimeInterval(60)
        while try CrashRecoveryEndToEndTests.records(outputs.bootstrapServers, topic: "windows").isEmpty
            && Date() < deadline
        {
            Thread.sleep(forTimeInterval: 0.2)
        }
        try #require(Date() < deadline, "no result reached the outputs cluster")

        try outputs.setBrokerDown(1)
        // The rest of the stream arrives during the stall, two event-time minutes a second, then
        // a record past its last label that closes every window.
        var rest = chunks[10...]
        let closing = try work.write(
            "closing.txt",
            #"{"type":"resource","model":"weld-defect-cls","version":"3.2.0","host":"edge-01","ts":"2026-11-26T01:20:00.000Z","cpu_pct":50}"#
                + "\n")
        var peakRSS = 0
        var storedDuringStall: [Int] = []
        for second in 0..<30 {
            if !rest.isEmpty {
                try produce(rest.prefix(2), name: "rest.txt")
                rest = rest.dropFirst(2)
                if rest.isEmpty {
                    for partition in ["0", "1"] {
                        try Tools.run(
                            "/usr/bin/kcat", ["-P", "-b", plant.bootstrapServers, "-t", "events", "-p", partition],
                            stdin: closing)
                    }
                }
            }
            Thread.sleep(forTimeInterval: 1)
            peakRSS = max(peakRSS, Self.residentKiB(engine.pid))
            if second == 5 || second == 29 { storedDuringStall.append(try stored()) }
        }
        #expect(rest.isEmpty)
        #expect(!engine.hasExited)
        print("peak RSS during a 30 s stall of the results cluster: \(peakRSS / 1024) MiB (debug build)")
        try outputs.setBrokerUp(1)

        deadline = Date().addingTimeInterval(120)
        var allRevisions: [String] = []
        var delivered: [String] = []
        repeat {
            Thread.sleep(forTimeInterval: 1)
            allRevisions = try work.run(
                "driftline", ["query", "windows", "--store", "history.db", "--all-revisions", "--format", "json"]
            ).split(separator: "\n").map(String.init)
            delivered = try CrashRecoveryEndToEndTests.records(outputs.bootstrapServers, topic: "windows")
        } while (allRevisions.isEmpty || Set(delivered) != Set(allRevisions)
            || !allRevisions.last!.contains("00:19:00"))
            && Date() < deadline
        engine.terminate()
        allRevisions = try work.run(
            "driftline", ["query", "windows", "--store", "history.db", "--all-revisions", "--format", "json"]
        ).split(separator: "\n").map(String.init)
        delivered = try CrashRecoveryEndToEndTests.records(outputs.bootstrapServers, topic: "windows")
        let text = try String(contentsOf: work.url("engine.log"), encoding: .utf8)

        #expect(text.contains("Kafka topic windows: ") && text.contains("not acknowledged after 10 s; intake waits"))
        #expect(!text.contains("not delivered"), "\(text)")
        #expect(storedDuringStall.count == 2 && storedDuringStall[0] == storedDuringStall[1], "intake paused")
        #expect(allRevisions.count > storedDuringStall[1], "intake resumed")
        #expect(peakRSS < 300 * 1024, "peak RSS \(peakRSS) KiB during the stall")
        // Every stored revision reached the cluster, once; so did every stored alert transition.
        #expect(Set(delivered) == Set(allRevisions))
        #expect(delivered.count == allRevisions.count)
        let alerts = try work.run("driftline", ["query", "alerts", "--store", "history.db", "--format", "json"])
        let deliveredAlerts = try CrashRecoveryEndToEndTests.records(outputs.bootstrapServers, topic: "alerts")
        #expect(!deliveredAlerts.isEmpty)
        #expect(Set(alerts.split(separator: "\n").map(String.init)) == Set(deliveredAlerts))
    }

    /// The resident set size of process `pid`, in KiB.
    static func residentKiB(_ pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}
