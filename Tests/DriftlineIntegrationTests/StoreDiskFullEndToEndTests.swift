import DriftlineTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The store's file cannot grow (a full disk, here a file size limit set with `prlimit`, which the
/// kernel enforces as it would a full file system: writes fail) while a replay writes it; once
/// there is room the same store holds exactly what a replay with room wrote.
@Suite(.serialized) struct StoreDiskFullEndToEndTests {
    @Test func aStoreThatCannotGrowMakesTheEngineWaitAndLosesNothingOnceItCan() throws {
        let work = try Workspace()
        try work.generateWeldLine(seed: 41, duration: "2h", drifts: ["feature:current_a:+3@+1h"])
        func replay(store: String) -> [String] {
            [
                work.executable("driftline").path, "replay", "--baseline", work.url("b.json").path, "--window", "1m",
                "--segment", "line", "--label-wait", "10m", "--input", work.url("events.ndjson").path,
                "--results", "/dev/null", "--alerts", "/dev/null", "--dead-letter", "/dev/null",
                "--store", work.url(store).path,
            ]
        }
        let room = try ChildProcess.run(replay(store: "room.db"))
        #expect(room.status == 0, "\(String(decoding: room.output, as: UTF8.self))")

        // 1.2 MB per file: room for the schema, not for the windows.
        let logPath = work.url("full.log").path
        let log = open(logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        defer { close(log) }
        let full = try ChildProcess(
            ["/usr/bin/prlimit", "--fsize=1200000:unlimited", "--"] + replay(store: "full.db"), standardError: log)
        func logged() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
        let deadline = Date().addingTimeInterval(60)
        while !logged().contains("for now") && !full.hasExited && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(logged().contains("cannot write to the history store '\(work.url("full.db").path)' for now"))
        // It waits: still running a second later, with the file at the limit.
        Thread.sleep(forTimeInterval: 1)
        #expect(!full.hasExited)
        // Room again: the limit goes.
        let raised = try ChildProcess.run(["/usr/bin/prlimit", "--pid", "\(full.pid)", "--fsize=unlimited:unlimited"])
        #expect(raised.status == 0)
        #expect(full.waitForExit() == 0, "\(logged())")
        #expect(logged().contains("is written again"))
        #expect(logged().contains("store transactions written again after the file refused them"))

        func stored(_ store: String, _ kind: String) throws -> String {
            try work.run("driftline", ["query", kind, "--all-revisions", "--store", store, "--format", "json"])
        }
        let windows = try stored("full.db", "windows")
        #expect(windows.split(separator: "\n").count > 400)
        #expect(windows == (try stored("room.db", "windows")))
        // Alerts and triggers too, but for `at`, the wall-clock time each run emitted them.
        func withoutAt(_ store: String, _ kind: String) throws -> [NSDictionary] {
            try work.run("driftline", ["query", kind, "--store", store, "--format", "json"]).split(separator: "\n")
                .map { line in
                    var object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                    object["at"] = nil
                    return NSDictionary(dictionary: object)
                }
        }
        for kind in ["alerts", "triggers"] {
            let kept = try withoutAt("full.db", kind)
            #expect(!kept.isEmpty, "\(kind)")
            #expect(kept == (try withoutAt("room.db", kind)), "\(kind)")
        }
    }
}
