import DriftlineTestSupport
import Foundation
import Testing

/// The generator's stream, with drift injected at a known time, through the real command line:
/// `driftline-loadgen` → `driftline baseline build` → `driftline replay`.
@Suite(.serialized) struct ReplayEndToEndTests {
    static let start = "2026-11-26T00:00:00Z"
    /// Drift starts 45 minutes in: the windows [00:45, 00:50) and later are drifted.
    static let driftStart = "2026-11-26T00:45:00.000Z"

    @Test func windowsBeforeTheDriftAreQuietAndEachDefaultRuleFiresAfterIt() throws {
        let work = try Workspace()
        try work.run("driftline-loadgen", ["reference", "--seed", "1", "--rows", "20000", "--out", "reference.ndjson"])
        try work.run("driftline-loadgen", ["test-set", "--seed", "2", "--rows", "5000", "--out", "test.ndjson"])
        try work.run(
            "driftline-loadgen",
            [
                "events", "--seed", "3", "--start", Self.start, "--rate", "20", "--duration", "90m",
                "--drift", "feature:current_a:+3@+45m", "--drift", "accuracy:0.8@+45m", "--drift", "latency:x3@+45m",
                "--out", "events.ndjson",
            ])
        try work.buildBaseline(reference: "reference.ndjson", test: "test.ndjson", out: "baseline.json")
        try work.run(
            "driftline",
            [
                "replay", "--baseline", "baseline.json", "--window", "5m", "--segment", "line", "--label-wait", "15m",
                "--input", "events.ndjson", "--results", "windows.ndjson", "--alerts", "alerts.ndjson",
                "--dead-letter", "dead.ndjson",
            ])

        let alerts = try work.objects("alerts.ndjson").filter { $0["type"] as? String == "alert" }
        let triggers = try work.objects("alerts.ndjson").filter { $0["type"] as? String == "retrain" }
        let firing = alerts.filter { $0["state"] as? String == "firing" }
        // Nothing fires on a window that ends at or before the drift starts.
        for alert in firing {
            let window = alert["window"] as! [String: String]
            #expect(window["end"]! > Self.driftStart, "alert before the drift: \(alert)")
        }
        func firstFiring(_ rule: String, segment: [String: String] = [:]) -> [String: Any]? {
            firing.first { $0["rule"] as? String == rule && ($0["segment"] as? [String: String]) == segment }
        }
        // PSI and latency fire on the first drifted window, for the whole model and every line.
        for segment in [[:], ["line": "L1"], ["line": "L2"], ["line": "L3"]] {
            let psi = try #require(firstFiring("psi_high", segment: segment), "no psi_high for \(segment)")
            #expect(psi["feature"] as? String == "current_a")
            #expect((psi["window"] as! [String: String])["start"] == Self.driftStart)
            #expect((psi["value"] as! Double) > 0.25)
            let latency = try #require(firstFiring("latency_p99_high", segment: segment))
            #expect((latency["window"] as! [String: String])["start"] == Self.driftStart)
            #expect((latency["value"] as! Double) > 100)
        }
        // Accuracy needs three consecutive drifted, fully labelled windows: 00:45, 00:50, 00:55.
        let gap = try #require(firstFiring("accuracy_gap"))
        #expect((gap["window"] as! [String: String])["start"] == "2026-11-26T00:55:00.000Z")
        #expect((gap["value"] as! Double) > 3)
        #expect(gap["alert_id"] as? String == "accuracy_gap/weld-defect-cls/3.2.0/_all")
        // Only the drifted feature drifts.
        #expect(
            firing.filter { $0["rule"] as? String == "psi_high" }.allSatisfy { $0["feature"] as? String == "current_a" }
        )
        // Retraining triggers name the rules marked as triggers.
        let reasons = triggers.flatMap { $0["reasons"] as! [[String: Any]] }.compactMap { $0["rule"] as? String }
        #expect(Set(reasons) == ["psi_high", "accuracy_gap"])
        #expect(try work.lines("dead.ndjson").isEmpty)
    }

    /// A binary classifier that emits class ids 0 and 1, as most plant models do: the baseline is a
    /// classifier's, every window carries online and offline accuracy and their gap, and the
    /// accuracy rule fires on a decay.
    @Test func aZeroOneClassifierGetsAccuracyAndTheAccuracyRuleFires() throws {
        let work = try Workspace()
        try work.run(
            "driftline-loadgen",
            ["reference", "--seed", "8", "--rows", "5000", "--classes", "0,1", "--out", "r.ndjson"])
        try work.run(
            "driftline-loadgen", ["test-set", "--seed", "9", "--rows", "4000", "--classes", "0,1", "--out", "t.ndjson"])
        try work.run(
            "driftline-loadgen",
            [
                "events", "--seed", "10", "--start", Self.start, "--rate", "20", "--duration", "60m", "--classes",
                "0,1",
                "--drift", "accuracy:0.7@+30m", "--out", "events.ndjson",
            ])
        // The generator writes the classes as JSON integers.
        let first = try #require(try work.lines("t.ndjson").first)
        #expect(["0", "1"].contains { first.contains("\"prediction\":\($0),") }, "\(first)")
        #expect(["0", "1"].contains { first.hasSuffix("\"label\":\($0)}") }, "\(first)")
        let printed = try work.buildBaseline(reference: "r.ndjson", test: "t.ndjson", out: "b.json")
        #expect(printed.contains("classification: 2 classes {0, 1} from 4,000 integer labels"), "\(printed)")
        try work.run(
            "driftline",
            [
                "replay", "--baseline", "b.json", "--window", "5m", "--label-wait", "15m", "--input", "events.ndjson",
                "--results", "w.ndjson", "--alerts", "a.ndjson", "--dead-letter", "d.ndjson",
            ])
        let finals = try work.objects("w.ndjson").filter {
            ($0["accuracy"] as! [String: Any])["final"] as? Bool == true
        }
        #expect(finals.count == 12)
        for window in finals {
            let accuracy = window["accuracy"] as! [String: Any]
            let online = try #require(accuracy["online"] as? Double, "\(window)")
            let offline = try #require(accuracy["offline"] as? Double)
            #expect(abs((accuracy["gap_pp"] as! Double) - (offline - online) * 100) < 1e-6)
            #expect(accuracy["mae"] == nil)
        }
        let firing = try work.objects("a.ndjson").filter {
            $0["rule"] as? String == "accuracy_gap" && $0["state"] as? String == "firing"
        }
        // Accuracy drops to 0.7 at 00:30: the third drifted window, 00:40, is the first that fires.
        #expect(firing.map { ($0["window"] as! [String: String])["start"]! } == ["2026-11-26T00:40:00.000Z"])
        #expect(try work.lines("d.ndjson").isEmpty)
    }

    /// One absurd timestamp must never stop the stream: the same events with a few absurd records
    /// among them give the same window results and alerts, and the absurd records are dead letters
    /// with their codes.
    @Test func absurdTimestampsChangeNoResultAndAreDeadLetteredWithTheirCodes() throws {
        let work = try Workspace()
        try work.run("driftline-loadgen", ["reference", "--seed", "11", "--rows", "5000", "--out", "r.ndjson"])
        try work.run(
            "driftline-loadgen",
            [
                "events", "--seed", "12", "--start", Self.start, "--rate", "10", "--duration", "40m",
                "--drift", "feature:current_a:+3@+20m", "--out", "clean.ndjson",
            ])
        try work.buildBaseline(reference: "r.ndjson", out: "b.json")
        // An inference of the stream with its time replaced, at four places in it.
        let clean = try work.lines("clean.ndjson")
        let sample = try #require(clean.first { $0.hasPrefix(#"{"type":"inference""#) })
        let ts = try #require(sample.range(of: #""ts":"[^"]*""#, options: .regularExpression))
        func dated(_ time: String) -> String { sample.replacingCharacters(in: ts, with: "\"ts\":\(time)") }
        let absurd = [
            (at: 1_000, line: dated(#""9999-12-31T23:59:59Z""#), code: "future"),
            (at: 5_000, line: dated(#""2026-11-27T00:10:00.000Z""#), code: "jump"),
            (at: 9_000, line: dated(#""1970-01-01T00:00:00Z""#), code: "invalidTimestamp"),
            (at: 13_000, line: dated("-86400000"), code: "invalidTimestamp"),
        ]
        var hostile = clean
        for record in absurd.reversed() { hostile.insert(record.line, at: record.at) }
        _ = try work.write("hostile.ndjson", hostile.joined(separator: "\n") + "\n")
        for name in ["clean", "hostile"] {
            try work.run(
                "driftline",
                [
                    "replay", "--baseline", "b.json", "--window", "5m", "--segment", "line", "--input",
                    "\(name).ndjson",
                    "--results", "\(name).windows", "--alerts", "\(name).alerts", "--dead-letter", "\(name).dead",
                ])
        }
        #expect(try work.lines("hostile.windows") == work.lines("clean.windows"))
        let alerts = try work.lines("clean.alerts")
        #expect(alerts.contains { $0.contains(#""rule":"psi_high""#) })
        // Alerts carry the processing time they were raised at; everything else must be equal.
        func withoutTime(_ lines: [String]) -> [String] {
            lines.map { $0.replacingOccurrences(of: #""at":"[^"]*""#, with: "", options: .regularExpression) }
        }
        #expect(try withoutTime(work.lines("hostile.alerts")) == withoutTime(alerts))
        #expect(try work.lines("clean.dead").isEmpty)
        let dead = try work.objects("hostile.dead")
        #expect(dead.map { $0["code"] as? String } == absurd.map(\.code))
        // Each dead letter names its line (1-based: the k-th absurd record sits k lines further down)
        // and carries the record as it was.
        #expect(dead.map { $0["position"] as? Int } == absurd.enumerated().map { $1.at + $0 + 1 })
        #expect(dead.map { $0["raw"] as? String } == absurd.map(\.line))
    }

    /// Output files named by one character have no directory part to split off; they crashed the writer once.
    @Test func oneCharacterFileNamesAreWrittenInTheWorkingDirectory() throws {
        let work = try Workspace()
        try work.run("driftline-loadgen", ["reference", "--seed", "6", "--rows", "2000", "--out", "r.ndjson"])
        try work.run(
            "driftline-loadgen", ["events", "--seed", "7", "--start", Self.start, "--duration", "10m", "--out", "e"])
        try work.buildBaseline(reference: "r.ndjson", out: "b")
        try work.run(
            "driftline",
            [
                "replay", "--baseline", "b", "--window", "5m", "--input", "e", "--results", "w", "--alerts", "a",
                "--dead-letter", "d",
            ])
        // Ten minutes of events make two whole-model windows (revised as their labels arrive).
        let starts = try work.objects("w").filter { $0["revision"] as? Int == 0 }.map {
            ($0["window"] as! [String: String])["start"]!
        }
        #expect(starts == ["2026-11-26T00:00:00.000Z", "2026-11-26T00:05:00.000Z"])
        let baseline = try JSONSerialization.jsonObject(with: Data(contentsOf: work.url("b"))) as! [String: Any]
        #expect(baseline["model"] as? String == "weld-defect-cls")
        #expect(try work.lines("d").isEmpty)
    }

    @Test func windowCountsAndPSIMatchAnIndependentRecount() throws {
        let work = try Workspace()
        try work.run("driftline-loadgen", ["reference", "--seed", "4", "--rows", "10000", "--out", "reference.ndjson"])
        try work.run(
            "driftline-loadgen",
            [
                "events", "--seed", "5", "--start", Self.start, "--rate", "10", "--duration", "20m",
                "--drift", "feature:temp_c:+1@+10m", "--out", "events.ndjson",
            ])
        try work.buildBaseline(reference: "reference.ndjson", out: "baseline.json")
        try work.run(
            "driftline",
            [
                "replay", "--baseline", "baseline.json", "--window", "5m", "--input", "events.ndjson",
                "--results", "windows.ndjson", "--alerts", "alerts.ndjson", "--dead-letter", "dead.ndjson",
            ])
        let baseline =
            try JSONSerialization.jsonObject(with: Data(contentsOf: work.url("baseline.json"))) as! [String: Any]
        let temp = (baseline["features"] as! [[String: Any]]).first { $0["name"] as? String == "temp_c" }!
        let edges = temp["edges"] as! [Double]
        let expected = temp["expected"] as! [Double]

        // Recount from the raw events: inferences per 5-minute window and temp_c's bins.
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var counts: [Int: Int] = [:]
        var bins: [Int: [Int]] = [:]
        for event in try work.objects("events.ndjson") where event["type"] as? String == "inference" {
            let ts = formatter.date(from: event["ts"] as! String)!.timeIntervalSince1970
            let window = Int(ts) / 300 * 300
            counts[window, default: 0] += 1
            let value = (event["features"] as! [String: Any])["temp_c"] as! Double
            var binCounts = bins[window] ?? Array(repeating: 0, count: expected.count)
            binCounts[edges.filter { value >= $0 }.count] += 1
            bins[window] = binCounts
        }
        let results = try work.objects("windows.ndjson").filter { $0["revision"] as? Int == 0 }
        #expect(results.count == counts.count)
        for result in results {
            let start = Int(
                formatter.date(from: (result["window"] as! [String: String])["start"]!)!.timeIntervalSince1970)
            #expect(result["count"] as? Int == counts[start])
            let actual = bins[start]!
            let total = Double(actual.reduce(0, +))
            var psi = 0.0
            for (a, e) in zip(actual.map { max(Double($0) / total, 0.0001) }, expected.map { max($0, 0.0001) }) {
                psi += (a - e) * log(a / e)
            }
            let reported = (result["psi"] as! [String: Any])["temp_c"] as! Double
            #expect(abs(reported - psi) < 1e-9, "window \(start): \(reported) vs \(psi)")
            // The contract's warning band, from the recomputed value: ≤ 0.1, ≤ 0.25, above.
            let band = psi <= 0.1 ? "stable" : psi <= 0.25 ? "warning" : "drift"
            #expect((result["psi_band"] as! [String: Any])["temp_c"] as? String == band)
        }
    }
}

/// A temporary directory and the package's own executables.
struct Workspace {
    let directory: URL
    let binaries: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("driftline-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        binaries = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    /// Writes `text` to a file of the workspace and returns its URL.
    func write(_ name: String, _ text: String) throws -> URL {
        try text.write(to: url(name), atomically: true, encoding: .utf8)
        return url(name)
    }

    /// Where one of the package's executables is.
    func executable(_ name: String) -> URL {
        let binary = binaries.appendingPathComponent(name)
        // Running from inside an .xctest bundle: the executables sit next to the bundle.
        return FileManager.default.fileExists(atPath: binary.path)
            ? binary : binaries.deletingLastPathComponent().appendingPathComponent(name)
    }

    /// Writes `engine.yaml` for `driftline run --config engine.yaml`: its HTTP API on a free
    /// loopback port (so runs beside other tests never clash), then `extra` lines.
    func writeEngineConfig(_ extra: String = "") throws {
        _ = try write("engine.yaml", "http_host: 127.0.0.1\nhttp_port: \(try LoopbackPort.free())\n" + extra)
    }

    /// Runs one of the package's executables in the workspace and returns what it wrote to
    /// standard output and standard error; throws with that output if it fails.
    @discardableResult
    func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = self.executable(executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw WorkspaceError(message: "\(executable) \(arguments.joined(separator: " ")) failed:\n\(text)")
        }
        return text
    }

    /// Generates a weld line's data with `driftline-loadgen`: `r.ndjson` (5,000 reference rows,
    /// seed `seed`), `t.ndjson` (2,000 labelled test rows, `seed + 1`) and `events.ndjson` (10
    /// inferences a second for `duration` from `start`, `seed + 2`, with `drifts`); and builds the
    /// baseline `b.json` from the first two.
    func generateWeldLine(
        seed: Int, start: String = "2026-11-26T00:00:00Z", duration: String, drifts: [String]
    ) throws {
        try run("driftline-loadgen", ["reference", "--seed", "\(seed)", "--rows", "5000", "--out", "r.ndjson"])
        try run("driftline-loadgen", ["test-set", "--seed", "\(seed + 1)", "--rows", "2000", "--out", "t.ndjson"])
        try run(
            "driftline-loadgen",
            ["events", "--seed", "\(seed + 2)", "--start", start, "--rate", "10", "--duration", duration]
                + drifts.flatMap { ["--drift", $0] } + ["--out", "events.ndjson"])
        try buildBaseline(reference: "r.ndjson", test: "t.ndjson", out: "b.json")
    }

    /// Builds the baseline of weld-defect-cls 3.2.0 from the workspace's `reference` (and `test`)
    /// files into `out` with `driftline baseline build`; returns what it printed.
    @discardableResult
    func buildBaseline(reference: String, test: String? = nil, out: String) throws -> String {
        try run(
            "driftline",
            ["baseline", "build", "--model", "weld-defect-cls", "--version", "3.2.0", "--reference", reference]
                + (test.map { ["--test", $0] } ?? []) + ["--out", out])
    }

    func lines(_ name: String) throws -> [String] {
        try String(contentsOf: url(name), encoding: .utf8).split(separator: "\n").map(String.init)
    }

    func objects(_ name: String) throws -> [[String: Any]] {
        try lines(name).map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }
}

struct WorkspaceError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
