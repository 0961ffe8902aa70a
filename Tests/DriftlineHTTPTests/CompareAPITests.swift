import DriftlineCore
import DriftlineHTTP
import DriftlineStore
import Foundation
import HTTPTypes
import Testing

/// `GET /api/v1/compare` over a store whose windows carry counts: figures worked out by hand.
@Suite struct CompareAPITests {
    /// 2026-01-01T00:00:00Z.
    static let origin: Int64 = 1_767_225_600_000
    static let minute: Int64 = 60_000

    /// Model m, versions 1 and 2, one feature `a` binned in two halves (expected 0.5 each).
    /// Version 1: three one-minute windows of 10 inferences, 5 in each bin. Version 2: the same
    /// three minutes, 9 and 1 in the bins. Three minutes before: version 2, 10 inferences, 5 and 5.
    static func store() throws -> String {
        let path = try HistoryFixture.temporaryPath()
        let store = try HistoryStore(path: path)
        var batch = StoreBatch()
        for version in ["1", "2"] {
            let baseline = Baseline(
                model: "m", version: version, task: .classification,
                features: [.numeric(name: "a", edges: [0], expected: [0.5, 0.5], referenceCount: 10, missingRate: 0)],
                offline: nil, latencyBudgetMs: nil, binning: .init(method: .quantile, binCount: 2),
                createdFrom: .init(referenceRows: 10, testRows: 0))
            batch.baselines.append(BaselineUse(baseline, seenAt: origin))
            let windows: [(Int64, [Int])] =
                version == "1"
                ? [(0, [5, 5]), (1, [5, 5]), (2, [5, 5])] : [(-3, [5, 5]), (0, [9, 1]), (1, [9, 1]), (2, [9, 1])]
            for (minute, bins) in windows {
                let counts = WindowCounts(
                    count: 10, bins: [bins], features: ["a"], present: [10], classes: [], classification: .init(),
                    regression: .init(), latency: [], latencyMax: nil, resources: [], final: true)
                let start = origin + minute * Self.minute
                let result = counts.result(
                    model: "m", version: version, segment: [], revision: 0, start: start, end: start + Self.minute,
                    baseline: baseline)
                batch.results.append(StoreBatch.Entry(result, record: Array("{}".utf8), counts: counts))
            }
        }
        try store.write(batch)
        return path
    }

    /// PSI of bins [27, 3] (version 2 over the three minutes) against halves.
    static let drifted = (0.9 - 0.5) * log(0.9 / 0.5) + (0.1 - 0.5) * log(0.1 / 0.5)
    static let period = "from=2026-01-01T00:00:00Z&to=2026-01-01T00:03:00Z"

    @Test func twoVersionsSideBySideInJSONAndCSV() async throws {
        let path = try Self.store()
        try await LiveAPI.run(HistoryAPI(storePath: path)) { api in
            let answer = try await api.get("/api/v1/compare?model=m&versions=1,2&\(Self.period)")
            #expect(answer.status == .ok)
            let object = try answer.object()
            let left = try #require(object["left"] as? [String: Any])
            let right = try #require(object["right"] as? [String: Any])
            #expect(left["version"] as? String == "1" && right["version"] as? String == "2")
            #expect(left["windows"] as? Int == 3 && right["windows"] as? Int == 3)
            #expect(left["from"] as? String == "2026-01-01T00:00:00.000Z")
            let metrics = try #require(object["metrics"] as? [[String: Any]])
            let psi = try #require(metrics.first { $0["metric"] as? String == "psi.a" })
            #expect(psi["left"] as? Double == 0)
            #expect(abs(try #require(psi["right"] as? Double) - Self.drifted) < 1e-12)
            let count = try #require(metrics.first { $0["metric"] as? String == "count" })
            #expect(count["left"] as? Double == 30 && count["difference"] as? Double == 0)

            let csv = try await api.get(
                "/api/v1/compare?model=m&versions=1,2&\(Self.period)&metric=count&metric=psi.a", accept: "text/csv")
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            let lines = csv.body.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
            #expect(lines.count == 3)
            #expect(lines[0] == ["metric", "1", "2", "difference"])
            #expect(lines[1] == ["count", "30", "30", "0"])
            #expect(lines[2][0] == "psi.a" && lines[2][1] == "0")
            #expect(abs(try #require(Double(lines[2][2])) - Self.drifted) < 1e-12)
        }
    }

    @Test func aPeriodAgainstTheOneBefore() async throws {
        let path = try Self.store()
        try await LiveAPI.run(HistoryAPI(storePath: path)) { api in
            let answer = try await api.get("/api/v1/compare?model=m&version=2&against=previous&\(Self.period)")
            let object = try answer.object()
            let left = try #require(object["left"] as? [String: Any])
            #expect(
                left["from"] as? String == "2025-12-31T23:57:00.000Z"
                    && left["to"] as? String == "2026-01-01T00:00:00.000Z")
            #expect(left["windows"] as? Int == 1)
            let metrics = try #require(object["metrics"] as? [[String: Any]])
            let count = try #require(metrics.first { $0["metric"] as? String == "count" })
            #expect(
                count["left"] as? Double == 10 && count["right"] as? Double == 30
                    && count["difference"] as? Double == 20)
        }
    }

    @Test func badComparisonsAnswer400NamingTheParameter() async throws {
        let path = try Self.store()
        let cases: [(String, String)] = [
            ("versions=1,2&\(Self.period)", "model"),
            ("model=m&versions=1&\(Self.period)", "versions"),
            ("model=m&version=2&against=next&\(Self.period)", "against"),
            ("model=m&version=2&\(Self.period)", "versions"),
            ("model=m&versions=1,2&from=2026-01-01T00:00:00Z", "to"),
            ("model=m&versions=1,2&\(Self.period)&metric=psi.b", "metric"),
            ("model=m&versions=1,2&\(Self.period)&feature=a", "feature"),
            ("model=m&versions=1,2&\(Self.period)&limit=5", "limit"),
            ("model=m&versions=1,2&\(Self.period)&resolution=week", "resolution"),
        ]
        try await LiveAPI.run(HistoryAPI(storePath: path)) { api in
            for (query, parameter) in cases {
                let answer = try await api.get("/api/v1/compare?\(query)")
                #expect(answer.status == .badRequest, "\(query)")
                #expect(try answer.error().parameter == parameter, "\(query): \(answer.body)")
            }
            let unknown = try await api.get("/api/v1/compare?model=m&versions=1,2&\(Self.period)&metric=psi.b")
            #expect(try unknown.error().message.contains("unknown metric 'psi.b'; the compared windows have: count"))
        }
    }
}
