import DriftlineTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `driftline run` on a live stream (standard input kept open, as a service's would be) stopped
/// by a service manager's SIGTERM, or by ^C: it stops within the shutdown timeout with status 0,
/// having written and stored what it emitted, and prints its run summary.
@Suite(.serialized) struct GracefulShutdownEndToEndTests {
    @Test(arguments: [SIGTERM, SIGINT])
    func aSignalStopsTheRunGracefully(signal: Int32) throws {
        let work = try Workspace()
        try work.generateWeldLine(seed: 61, duration: "40m", drifts: ["latency:x3@+10m"])
        try work.writeEngineConfig("shutdown_timeout: 10s\n")
        try Self.writeLiveTopology(work)
        let (engine, writer) = try Self.startLive(work)
        writer.write(try Data(contentsOf: work.url("events.ndjson")))
        // Windows up to the stream's last minutes close as it goes; the stream stays open.
        let deadline = Date().addingTimeInterval(30)
        while ((try? work.lines("windows.ndjson").count) ?? 0) < 7 && Date() < deadline && !engine.hasExited {
            Thread.sleep(forTimeInterval: 0.2)
        }
        let written = try work.lines("windows.ndjson").count
        try #require(written >= 7, "only \(written) window results before the signal")

        let signalled = Date()
        kill(engine.pid, signal)
        let status = engine.waitForExit()
        let took = Date().timeIntervalSince(signalled)
        try? writer.close()
        let log = try String(contentsOf: work.url("stderr.log"), encoding: .utf8)
        #expect(status == 0, "\(log)")
        #expect(took < 10, "stopping took \(took) s")
        #expect(log.contains("\(signal == SIGTERM ? "SIGTERM" : "SIGINT"): stopping"))
        #expect(log.contains("inferences ") && log.contains(" window results"), "the run summary: \(log)")
        // Everything written to the results file is in the store too.
        let stored = try work.run(
            "driftline", ["query", "windows", "--store", "history.db", "--all-revisions", "--format", "json"])
        #expect(Set(stored.split(separator: "\n").map(String.init)) == Set(try work.lines("windows.ndjson")))
        #expect(try work.lines("alerts.ndjson").contains { $0.contains("latency_p99_high") })
    }

    /// A service stopped and started again carries on writing its files; a topology of files
    /// only is a batch, and running it again writes them afresh.
    @Test func aRestartedServiceAppendsToItsFilesAndABatchRewritesThem() throws {
        let work = try Workspace()
        try work.generateWeldLine(seed: 62, duration: "30m", drifts: [])
        try work.writeEngineConfig()
        try Self.writeLiveTopology(work)
        let events = try work.lines("events.ndjson")
        let half = events.count / 2
        var written: [[String]] = []
        for part in [events[..<half], events[half...]] {
            let (engine, writer) = try Self.startLive(work)
            writer.write(Data((part.joined(separator: "\n") + "\n").utf8))
            let before = written.last?.count ?? 0
            let deadline = Date().addingTimeInterval(30)
            while ((try? work.lines("windows.ndjson").count) ?? 0) < before + 2 && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.2)
            }
            kill(engine.pid, SIGTERM)
            #expect(engine.waitForExit() == 0)
            try? writer.close()
            written.append(try work.lines("windows.ndjson"))
        }
        #expect(written[1].count >= written[0].count + 2)
        #expect(Array(written[1].prefix(written[0].count)) == written[0], "the first run's lines are kept")

        _ = try work.write(
            "batch.yaml",
            """
            name: batch
            windows: {size: 5m}
            baselines: [b.json]
            sources:
              - {name: events, type: file, path: events.ndjson}
            sinks:
              results: {type: file, path: batch.ndjson}
              alerts: {type: file, path: batch-alerts.ndjson}
              dead_letter: {type: file, path: batch-dead.ndjson}
            """)
        try work.run("driftline", ["run", "batch.yaml", "--config", "engine.yaml"])
        let once = try work.lines("batch.ndjson")
        try work.run("driftline", ["run", "batch.yaml", "--config", "engine.yaml"])
        #expect(!once.isEmpty)
        #expect(try work.lines("batch.ndjson") == once)
    }

    /// Writes `live.yaml`: standard input to files and a store, 5-minute windows.
    static func writeLiveTopology(_ work: Workspace) throws {
        _ = try work.write(
            "live.yaml",
            """
            name: live
            windows: {size: 5m}
            labels: {wait: 5m}
            baselines: [b.json]
            sources:
              - {name: events, type: stdin}
            sinks:
              results: {type: file, path: windows.ndjson}
              alerts: {type: file, path: alerts.ndjson}
              dead_letter: {type: file, path: dead.ndjson}
            store: {path: history.db}
            """)
    }

    /// Starts `driftline run live.yaml` in `work` on a pipe for standard input (its standard
    /// error to stderr.log); returns the process and the pipe's writing end.
    static func startLive(_ work: Workspace) throws -> (ChildProcess, FileHandle) {
        let binary = work.executable("driftline")
        var input: [Int32] = [0, 0]
        guard pipe(&input) == 0 else { throw WorkspaceError(message: "pipe() failed") }
        let engine = try ChildProcess(
            [
                "/bin/sh", "-c",
                "cd '\(work.directory.path)' && exec '\(binary.path)' run live.yaml --config engine.yaml 2>>stderr.log",
            ], standardInput: input[0])
        close(input[0])
        return (engine, FileHandle(fileDescriptor: input[1], closeOnDealloc: true))
    }
}
