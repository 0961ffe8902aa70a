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
        try work.run(
            "driftline",
            [
                "baseline", "build", "--model", "weld-defect-cls", "--version", "3.2.0", "--reference",
                "reference.ndjson", "--test", "test.ndjson", "--out", "baseline.json",
            ])
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

    @Test func windowCountsAndPSIMatchAnIndependentRecount() throws {
        let work = try Workspace()
        try work.run("driftline-loadgen", ["reference", "--seed", "4", "--rows", "10000", "--out", "reference.ndjson"])
        try work.run(
            "driftline-loadgen",
            [
                "events", "--seed", "5", "--start", Self.start, "--rate", "10", "--duration", "20m",
                "--drift", "feature:temp_c:+1@+10m", "--out", "events.ndjson",
            ])
        try work.run(
            "driftline",
            [
                "baseline", "build", "--model", "weld-defect-cls", "--version", "3.2.0", "--reference",
                "reference.ndjson", "--out", "baseline.json",
            ])
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

    /// Runs one of the package's executables in the workspace and returns what it wrote to
    /// standard output and standard error; throws with that output if it fails.
    @discardableResult
    func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        var binary = binaries.appendingPathComponent(executable)
        if !FileManager.default.fileExists(atPath: binary.path) {
            // Running from inside an .xctest bundle: the executables sit next to the bundle.
            binary = binaries.deletingLastPathComponent().appendingPathComponent(executable)
        }
        process.executableURL = binary
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
