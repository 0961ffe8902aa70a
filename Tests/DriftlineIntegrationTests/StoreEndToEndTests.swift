import Foundation
import GRDB
import Testing

/// `driftline replay --store` then `driftline query`, through the real command line: the store
/// returns exactly what the replay wrote to its files.
@Suite(.serialized) struct StoreEndToEndTests {
    /// Window results keyed by (model, version, segment, start), the latest revision of each, in
    /// the query's order (window start, model, version, segment), recounted from a results file.
    static func latestRevisions(_ lines: [String]) throws -> [String] {
        var latest: [String: (revision: Int, line: String, order: [String])] = [:]
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let segment = (object["segment"] as! [String: String]).sorted { $0.key < $1.key }
            let segmentText = segment.isEmpty ? "_all" : segment.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            let start = (object["window"] as! [String: String])["start"]!
            let order = [start, object["model"] as! String, object["version"] as! String, segmentText]
            let key = order.joined(separator: "|")
            let revision = object["revision"] as! Int
            if let known = latest[key], known.revision >= revision { continue }
            latest[key] = (revision, line, order)
        }
        return latest.values.sorted { $0.order.lexicographicallyPrecedes($1.order) }.map(\.line)
    }

    static func rowCounts(_ path: URL) throws -> [Int] {
        let queue = try DatabaseQueue(path: path.path)
        return try queue.read { db in
            try ["window_results", "window_psi", "alerts", "retrain_triggers", "baselines"].map {
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0)")!
            }
        }
    }

    @Test func queryReturnsWhatTheReplayWroteAndASecondReplayChangesNothing() throws {
        let work = try Workspace()
        try work.generateWeldLine(
            seed: 21, duration: "40m", drifts: ["feature:current_a:+3@+20m", "latency:x3@+25m"])
        func replay(_ suffix: String) throws {
            try work.run(
                "driftline",
                [
                    "replay", "--baseline", "b.json", "--window", "5m", "--segment", "line", "--label-wait", "10m",
                    "--input", "events.ndjson", "--results", "w\(suffix).ndjson", "--alerts", "a\(suffix).ndjson",
                    "--dead-letter", "d\(suffix).ndjson", "--store", "s.db",
                ])
        }
        func query(_ arguments: [String]) throws -> [String] {
            try work.run("driftline", ["query"] + arguments + ["--store", "s.db"]).split(separator: "\n").map(
                String.init)
        }
        try replay("1")
        let results = try work.lines("w1.ndjson")
        // Late labels revise closed windows: the file holds several revisions of some windows.
        #expect(Set(results).count == results.count)
        let windows = try query(["windows", "--model", "weld-defect-cls", "--format", "json"])
        #expect(!windows.isEmpty)
        #expect(windows == (try Self.latestRevisions(results)))
        let everyRevision = try query(["windows", "--all-revisions", "--format", "json"])
        #expect(Set(everyRevision) == Set(results))
        #expect(everyRevision.count == results.count)

        let alertLines = try work.lines("a1.ndjson")
        let alerts = try query(["alerts", "--format", "json"])
        let triggers = try query(["triggers", "--format", "json"])
        #expect(!alerts.isEmpty && !triggers.isEmpty)
        #expect(Set(alerts) == Set(alertLines.filter { $0.contains("\"type\":\"alert\"") }))
        #expect(Set(triggers) == Set(alertLines.filter { $0.contains("\"type\":\"retrain\"") }))
        #expect(alerts.count + triggers.count == alertLines.count)

        // Filters against a recount of the results file: line L1, windows starting in [00:10, 00:25).
        let filtered = try query([
            "windows", "--segment", "line=L1", "--from", "2026-11-26T00:10:00Z", "--to", "2026-11-26T00:25:00Z",
            "--format", "json",
        ])
        let expected = try Self.latestRevisions(results).filter { line in
            let object = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let start = (object["window"] as! [String: String])["start"]!
            return object["segment"] as! [String: String] == ["line": "L1"] && start >= "2026-11-26T00:10:00.000Z"
                && start < "2026-11-26T00:25:00.000Z"
        }
        #expect(filtered.count == 3)
        #expect(filtered == expected)
        #expect(try query(["windows", "--model", "other", "--format", "json"]).isEmpty)
        // PSI of one feature: a psi column equal to the record's own value.
        let psiRows = try query(["windows", "--segment", "line=L1", "--feature", "current_a", "--format", "csv"])
        #expect(psiRows.first?.hasSuffix(",throughput_per_s,psi") == true)
        let psiJSON = try query(["windows", "--segment", "line=L1", "--feature", "current_a", "--format", "json"])
        #expect(psiRows.count == 1 + psiJSON.count && psiJSON.count == 8)
        for (row, record) in zip(psiRows.dropFirst(), psiJSON) {
            // The number as the record writes it (Swift's parsing rounds correctly; Foundation's
            // JSON parser may be an ulp off).
            let psi = try #require(record.range(of: "\"psi\":{"))
            let member = try #require(record[psi.upperBound...].range(of: "\"current_a\":"))
            let text = record[member.upperBound...].prefix { $0 != "," && $0 != "}" }
            #expect(Double(row.split(separator: ",").last!) == Double(text), "\(record)")
        }
        let csv = try query(["windows", "--segment", "line=L2", "--format", "csv"])
        #expect(csv.first?.hasPrefix("model,version,segment,window_start") == true)
        #expect(csv.count == 1 + 8)

        // The same file again into the same store: nothing changes.
        let counts = try Self.rowCounts(work.url("s.db"))
        try replay("2")
        #expect(try work.lines("w2.ndjson") == results)
        #expect(try Self.rowCounts(work.url("s.db")) == counts)
        #expect(try query(["windows", "--model", "weld-defect-cls", "--format", "json"]) == windows)
        #expect(try query(["alerts", "--format", "json"]) == alerts)
        #expect(try query(["triggers", "--format", "json"]) == triggers)
        #expect(counts[4] == 1)
        let models = try query(["models", "--format", "json"])
        #expect(models.count == 1)
        let model = try JSONSerialization.jsonObject(with: Data(models[0].utf8)) as! [String: Any]
        #expect(model["model"] as? String == "weld-defect-cls" && model["version"] as? String == "3.2.0")
        #expect(model["task"] as? String == "classification")
        let baseline = try JSONSerialization.jsonObject(with: Data(contentsOf: work.url("b.json"))) as! [String: Any]
        let offline = (baseline["offline"] as! [String: Any])["classification"] as! [String: Any]
        #expect(abs((model["offline_accuracy"] as! Double) - (offline["accuracy"] as! Double)) < 1e-12)
        #expect((model["first_seen"] as! String) < (model["last_seen"] as! String))
    }

    /// The hourly and daily rollups of a replay with one-minute windows are the window results of
    /// replays of the same file with one-hour and one-day windows: PSI from merged bin counts,
    /// accuracy from merged confusion counts, percentiles from merged latency buckets. Only the
    /// revision differs (a rollup has one; a window revised by late labels has several).
    @Test func rollupsAreTheResultsOfReplaysWithHourAndDayWindows() throws {
        let work = try Workspace()
        // 2 h 20 min across midnight, with a feature drift and a latency regression.
        try work.generateWeldLine(
            seed: 21, start: "2026-11-26T22:30:00Z", duration: "140m",
            drifts: ["feature:current_a:+3@+60m", "latency:x3@+90m"])
        func replay(_ window: String, _ extra: [String]) throws {
            try work.run(
                "driftline",
                [
                    "replay", "--baseline", "b.json", "--window", window, "--segment", "line", "--label-wait", "10m",
                    "--input", "events.ndjson", "--results", "w\(window).ndjson", "--alerts", "a\(window).ndjson",
                    "--dead-letter", "d\(window).ndjson",
                ] + extra)
        }
        try replay("1m", ["--store", "s.db"])
        try replay("1h", [])
        try replay("1d", [])
        /// The latest revision of each window, by (segment, start), without its revision.
        func withoutRevision(_ lines: [String]) throws -> [String: NSDictionary] {
            var latest: [String: (Int, NSDictionary)] = [:]
            for line in lines {
                var object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
                let revision = object.removeValue(forKey: "revision") as! Int
                let key = "\(object["segment"]!)|\((object["window"] as! [String: String])["start"]!)"
                if let known = latest[key], known.0 > revision { continue }
                latest[key] = (revision, object as NSDictionary)
            }
            return latest.mapValues(\.1)
        }
        for (resolution, window, expectedCount) in [("hour", "1h", 3 * 4), ("day", "1d", 2 * 4)] {
            let rollups = try work.run(
                "driftline", ["query", "windows", "--store", "s.db", "--resolution", resolution, "--format", "json"]
            ).split(separator: "\n").map(String.init)
            let expected = try withoutRevision(try work.lines("w\(window).ndjson"))
            // The whole model and three lines, in 3 hours (22:00, 23:00, 00:00) or 2 days.
            #expect(rollups.count == expectedCount && expected.count == expectedCount)
            #expect(try withoutRevision(rollups) == expected, "\(resolution)")
        }
        // A rollup of the drift hour carries the drift the hour replay saw.
        let psi = try work.run(
            "driftline",
            [
                "query", "windows", "--store", "s.db", "--resolution", "hour", "--segment", "line=L1", "--feature",
                "current_a", "--format", "csv",
            ]
        ).split(separator: "\n").dropFirst().map { Double($0.split(separator: ",").last!)! }
        #expect(psi.count == 3 && psi[0] < 0.1 && psi[2] > 0.25, "\(psi)")

        // compare --against previous: the hour from 23:00 against the hour before, each side the
        // merge of its sixty one-minute windows, is the two hour windows of the hour replay.
        /// The whole-model window starting at `start` among `records`.
        func wholeModel(_ records: [String: NSDictionary], _ start: String) -> NSDictionary? {
            records.values.first {
                ($0["segment"] as! NSDictionary).count == 0
                    && ($0["window"] as! NSDictionary)["start"] as? String == start
            }
        }
        let hours = try withoutRevision(try work.lines("w1h.ndjson"))
        let hour22 = try #require(wholeModel(hours, "2026-11-26T22:00:00.000Z"))
        let hour23 = try #require(wholeModel(hours, "2026-11-26T23:00:00.000Z"))
        func side(_ comparison: [String: Any], _ name: String) -> NSDictionary {
            var record = (comparison[name] as! [String: Any])["record"] as! [String: Any]
            record.removeValue(forKey: "revision")
            return record as NSDictionary
        }
        let against =
            try JSONSerialization.jsonObject(
                with: Data(
                    try work.run(
                        "driftline",
                        [
                            "query", "compare", "--store", "s.db", "--model", "weld-defect-cls", "--version", "3.2.0",
                            "--against", "previous", "--from", "2026-11-26T23:00:00Z", "--to", "2026-11-27T00:00:00Z",
                            "--format", "json",
                        ]
                    ).utf8)) as! [String: Any]
        #expect(side(against, "left") == hour22)
        #expect(side(against, "right") == hour23)
        #expect((against["left"] as! [String: Any])["windows"] as? Int == 30)
        let metrics = against["metrics"] as! [[String: Any]]
        let p99 = try #require(metrics.first { $0["metric"] as? String == "latency_ms.p99" })
        let leftP99 = (hour22["latency_ms"] as! [String: Double])["p99"]!
        let rightP99 = (hour23["latency_ms"] as! [String: Double])["p99"]!
        // Foundation's JSON parser may be an ulp off the printed numbers: compare to 1e-12.
        func close(_ a: Double?, _ b: Double) -> Bool { a.map { abs($0 - b) <= 1e-12 * max(1, abs(b)) } ?? false }
        #expect(close(p99["left"] as? Double, leftP99) && close(p99["right"] as? Double, rightP99))
        #expect(close(p99["difference"] as? Double, rightP99 - leftP99))

        // compare --versions: a second version over the same hour, replayed into the same store.
        try work.run(
            "driftline",
            [
                "baseline", "build", "--model", "weld-defect-cls", "--version", "3.1.0", "--reference", "r.ndjson",
                "--test", "t.ndjson", "--out", "b31.json",
            ])
        try work.run(
            "driftline-loadgen",
            [
                "events", "--seed", "31", "--model-version", "3.1.0", "--start", "2026-11-26T23:00:00Z", "--rate",
                "5", "--duration", "60m", "--out", "v31.ndjson",
            ])
        for (window, store) in [("1m", ["--store", "s.db"]), ("1h", [])] {
            try work.run(
                "driftline",
                [
                    "replay", "--baseline", "b31.json", "--window", window, "--label-wait", "10m", "--input",
                    "v31.ndjson", "--results", "v31-\(window).ndjson", "--alerts", "v31-a\(window).ndjson",
                ] + store)
        }
        let versions = try work.run(
            "driftline",
            [
                "query", "compare", "--store", "s.db", "--model", "weld-defect-cls", "--versions", "3.1.0,3.2.0",
                "--from", "2026-11-26T23:00:00Z", "--to", "2026-11-27T00:00:00Z", "--metric", "count", "--metric",
                "psi.current_a", "--format", "csv",
            ]
        ).split(separator: "\n").map(String.init)
        let older = try #require(
            wholeModel(try withoutRevision(try work.lines("v31-1h.ndjson")), "2026-11-26T23:00:00.000Z"))
        let newer = hour23
        let olderPSI = (older["psi"] as! [String: Double])["current_a"]!
        let newerPSI = (newer["psi"] as! [String: Double])["current_a"]!
        #expect(versions.count == 3)
        #expect(versions[0] == "metric,3.1.0,3.2.0,difference")
        #expect(
            versions[1]
                == "count,\(older["count"]!),\(newer["count"]!),\(newer["count"] as! Int - (older["count"] as! Int))")
        let psiRow = versions[2].split(separator: ",").map(String.init)
        #expect(
            psiRow[0] == "psi.current_a" && close(Double(psiRow[1]), olderPSI) && close(Double(psiRow[2]), newerPSI))
        // An unknown metric names the ones there are.
        #expect(throws: (any Error).self) {
            try work.run(
                "driftline",
                [
                    "query", "compare", "--store", "s.db", "--model", "weld-defect-cls", "--versions", "3.1.0,3.2.0",
                    "--from", "2026-11-26T23:00:00Z", "--to", "2026-11-27T00:00:00Z", "--metric", "psi.pressure",
                ])
        }
    }

    @Test func badQueryInputNamesTheOption() throws {
        let work = try Workspace()
        func failure(_ arguments: [String]) -> String {
            do {
                try work.run("driftline", ["query"] + arguments)
                return ""
            } catch {
                return "\(error)"
            }
        }
        #expect(failure(["windows", "--store", "missing.db"]).contains("--store: no history store at 'missing.db'"))
        // A store to query: opened once by a replay of nothing.
        _ = try work.write("empty.ndjson", "")
        try work.run(
            "driftline",
            [
                "replay", "--window", "5m", "--input", "empty.ndjson", "--results", "w.ndjson", "--alerts",
                "a.ndjson", "--store", "s.db",
            ])
        #expect(try work.run("driftline", ["query", "windows", "--store", "s.db", "--format", "json"]).isEmpty)
        #expect(failure(["windows", "--store", "s.db", "--format", "xml"]).contains("--format"))
        #expect(failure(["windows", "--store", "s.db", "--from", "yesterday"]).contains("--from: 'yesterday'"))
        #expect(failure(["alerts", "--store", "s.db", "--from", "-7d", "--to", "-1h"]).isEmpty)
        #expect(
            failure(["windows", "--store", "s.db", "--from", "2026-11-27T00:00:00Z", "--to", "2026-11-26T00:00:00Z"])
                .contains("--from (2026-11-27T00:00:00Z) is after --to"))
        #expect(failure(["windows", "--store", "s.db", "--segment", "line"]).contains("--segment: 'line'"))
        #expect(failure(["windows", "--store", "s.db", "--resolution", "week"]).contains("--resolution: 'week'"))
        #expect(
            failure(["windows", "--store", "s.db", "--resolution", "hour", "--all-revisions"])
                .contains("--all-revisions applies to raw windows only"))
    }
}
