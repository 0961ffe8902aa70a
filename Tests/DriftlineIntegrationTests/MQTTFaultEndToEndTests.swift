import DriftlineTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `driftline run` on an MQTT subscription whose broker (mosquitto, persistence on) is restarted
/// in the middle of the stream: the engine reconnects to its persistent session, and every
/// inference the broker accepted is counted once, those it delivers again included.
@Suite(.serialized) struct MQTTFaultEndToEndTests {
    @Test func aBrokerRestartMidStreamLosesNothingItAccepted() throws {
        try #require(Tools.available, "needs mosquitto and its clients (scripts/setup.sh)")
        let work = try Workspace()
        try work.generateWeldLine(seed: 93, duration: "20m", drifts: ["latency:x3@+5m..+12m"])
        try work.writeEngineConfig("shutdown_timeout: 10s\n")
        let broker = try MosquittoBroker()
        defer { broker.stop() }
        _ = try work.write(
            "mqtt.yaml",
            """
            name: mqtt
            time: {out_of_orderness: 5s, idle_timeout: 1h}
            windows: {size: 1m}
            keys: [[], [line]]
            labels: {wait: 5m}
            baselines: [b.json]
            connections:
              plant: {type: mqtt, host: \(broker.host), port: \(broker.port)}
            sources:
              - {name: events, type: mqtt, connection: plant, client_id: engine, topics: [plant/events]}
            sinks:
              results: {type: file, path: windows.ndjson}
              alerts: {type: file, path: alerts.ndjson}
              dead_letter: {type: file, path: dead.ndjson}
            store: {path: history.db}
            """)
        let events = try work.lines("events.ndjson")
        func publish(_ lines: ArraySlice<String>, name: String) throws {
            let file = try work.write(name, lines.joined(separator: "\n") + "\n")
            try Tools.run(
                "/usr/bin/mosquitto_pub",
                ["-h", broker.host, "-p", "\(broker.port)", "-t", "plant/events", "-q", "1", "-l"], stdin: file)
        }
        let log = open(work.url("engine.log").path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        defer { close(log) }
        let engine = try work.start("mqtt.yaml", log: log)
        defer { engine.terminate(grace: 0) }
        var deadline = Date().addingTimeInterval(30)
        while !broker.log.contains("as engine") && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        Thread.sleep(forTimeInterval: 1)  // its subscription follows the connection

        let half = events.count / 2
        try publish(events[..<half], name: "first.ndjson")
        deadline = Date().addingTimeInterval(30)
        while ((try? work.lines("windows.ndjson").count) ?? 0) < 8 && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.2)
        }
        try broker.restart()
        // The rest, then a record past the last label that closes every window.
        try publish(
            events[half...]
                + [
                    #"{"type":"resource","model":"weld-defect-cls","version":"3.2.0","host":"edge-01","ts":"2026-11-26T01:20:00.000Z","cpu_pct":50}"#
                ], name: "rest.ndjson")
        deadline = Date().addingTimeInterval(60)
        func lastMinuteFinal() throws -> Bool {
            try work.run(
                "driftline",
                ["query", "windows", "--store", "history.db", "--from", "2026-11-26T00:19:00Z", "--format", "json"]
            ).split(separator: "\n").contains { $0.contains(#""final":true"#) }
        }
        while try !lastMinuteFinal() && Date() < deadline { Thread.sleep(forTimeInterval: 0.5) }
        engine.terminate()

        let counted = try work.wholeModelCounts(store: "history.db")
        let text = try String(contentsOf: work.url("engine.log"), encoding: .utf8)
        #expect(counted.count == 20, "\(text)")
        #expect(counted == (try work.inferencesPerMinute("events.ndjson")))
        // QoS 1 is at least once: messages whose acknowledgement the broker had not saved are
        // delivered again after its restart. The engine dead-letters those inferences as
        // duplicates, and any record whose window has closed meanwhile as late.
        let input = Set(events)
        let dead = try work.objects("dead.ndjson")
        print("after the broker restart: \(dead.count) record(s) delivered again and dead-lettered")
        #expect(
            dead.allSatisfy {
                ["duplicate", "late"].contains($0["code"] as? String) && input.contains($0["raw"] as? String ?? "")
            })
    }
}
