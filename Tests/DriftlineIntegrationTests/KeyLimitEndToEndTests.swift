import Foundation
import Testing

/// `driftline replay --max-keys` over a stream with far more segment values than the limit.
@Suite struct KeyLimitEndToEndTests {
    @Test func eventsOfNewKeysPastTheLimitAreDeadLetteredAndTheRestIsCounted() throws {
        let work = try Workspace()
        try work.run(
            "driftline-loadgen",
            [
                "events", "--seed", "9", "--rate", "200", "--count", "20000", "--lines", "2000", "--devices", "1",
                "--out", "events.ndjson",
            ])
        let output = try work.run(
            "driftline",
            [
                "replay", "--window", "1m", "--segment", "line", "--max-keys", "101", "--input", "events.ndjson",
                "--results", "windows.ndjson", "--alerts", "alerts.ndjson", "--dead-letter", "dead.ndjson",
            ])

        // The independent recount: the whole-model key and the first 100 lines seen fill the limit;
        // every later inference of another line is refused.
        var admitted: Set<String> = []
        var expectedRefused: [Int] = []
        var inferences = 0
        for (index, event) in try work.objects("events.ndjson").enumerated()
        where event["type"] as? String == "inference" {
            inferences += 1
            let line = (event["segment"] as! [String: String])["line"]!
            if admitted.contains(line) { continue }
            if admitted.count < 100 { admitted.insert(line) } else { expectedRefused.append(index + 1) }
        }
        #expect(expectedRefused.count > 10_000)

        let dead = try work.objects("dead.ndjson")
        #expect(dead.allSatisfy { $0["code"] as? String == "keyLimit" })
        #expect(dead.map { $0["position"] as! Int } == expectedRefused)
        let results = try work.objects("windows.ndjson")
        let lines = Set(results.compactMap { ($0["segment"] as? [String: String])?["line"] })
        #expect(lines == admitted)
        // Each window's count, once (labels re-emit windows as revisions with the same count).
        var wholeModel: [String: Int] = [:]
        for result in results where (result["segment"] as? [String: String])?.isEmpty ?? true {
            wholeModel[(result["window"] as! [String: String])["start"]!] = result["count"] as? Int
        }
        #expect(wholeModel.values.reduce(0, +) == inferences - expectedRefused.count)
        // Said once (the run takes well under a minute), and in the run's report.
        #expect(output.components(separatedBy: "the key limit of 101 (limits.max_keys) is reached").count == 2)
        #expect(output.contains("events of new keys past the key limit (dead-lettered): \(expectedRefused.count)"))
        #expect(output.contains("keyLimit=\(expectedRefused.count)"))
    }
}
