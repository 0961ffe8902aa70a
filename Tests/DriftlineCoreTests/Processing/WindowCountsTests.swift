import DriftlineCore
import Foundation
import Testing

/// Merging the counts of two windows and computing a result from them gives what one window that
/// saw both windows' events gives: checked here against figures worked out by hand.
@Suite struct WindowCountsTests {
    static let baseline = Baseline(
        model: "m", version: "1", task: .classification,
        features: [
            .numeric(name: "a", edges: [10], expected: [0.5, 0.5], referenceCount: 100, missingRate: 0)
        ],
        offline: nil, latencyBudgetMs: nil, binning: .init(method: .quantile, binCount: 2),
        createdFrom: .init(referenceRows: 100, testRows: 0))

    /// A tally of (predicted, actual) class-id pairs.
    static func tally(_ pairs: [(Int, Int)]) -> ClassificationTally {
        var tally = ClassificationTally()
        for (predicted, actual) in pairs { tally.record(predicted: predicted, actual: actual) }
        return tally
    }

    @Test func mergedCountsGiveTheFiguresOfAllTheirEvents() throws {
        // First window: 4 inferences, feature `a` in bins [3, 0], `b` present once; classes ok=0,
        // defect=1: (ok, ok), (defect, ok); latencies 10 ms ×2 and 20 ms; one host.
        var first = WindowCounts(
            count: 4, bins: [[3, 0]], features: ["a", "b"], present: [3, 1], classes: ["ok", "defect"],
            classification: Self.tally([(0, 0), (1, 0)]), regression: RegressionTally(),
            latency: [.init(highest: 10_007, count: 2), .init(highest: 20_015, count: 1)], latencyMax: 20,
            resources: [.init(host: "edge-2", samples: [[50], [], [], []])], final: true)
        // Second window: 2 inferences, `a` in bins [0, 1], no `b`, a new feature `c`; classes in
        // another order plus a new one: defect=0, ok=1, scrap=2: (defect, defect), (scrap, ok);
        // latency 30 ms; another host and the same one.
        let second = WindowCounts(
            count: 2, bins: [[0, 1]], features: ["a", "c"], present: [1, 2], classes: ["defect", "ok", "scrap"],
            classification: Self.tally([(0, 0), (2, 1)]), regression: RegressionTally(),
            latency: [.init(highest: 30_015, count: 1)], latencyMax: 30,
            resources: [
                .init(host: "edge-1", samples: [[70], [], [], []]), .init(host: "edge-2", samples: [[60], [], [], []]),
            ], final: false)
        first.merge(second)
        #expect(first.count == 6)
        #expect(first.bins == [[3, 1]])
        #expect(first.features == ["a", "b", "c"] && first.present == [4, 1, 2])
        #expect(first.classes == ["ok", "defect", "scrap"])
        #expect(!first.final)

        let result = first.result(
            model: "m", version: "1", segment: [], revision: 0, start: 0, end: 60_000, baseline: Self.baseline)
        // PSI of [3, 1] against [0.5, 0.5]: (0.75 − 0.5)·ln(1.5) + (0.25 − 0.5)·ln(0.5).
        let psi = 0.25 * log(1.5) - 0.25 * log(0.5)
        #expect(abs(result.psi![0].value! - psi) < 1e-15)
        let missing: [Double?] = [2.0 / 6, 5.0 / 6, 4.0 / 6]
        #expect(result.missingRate.map(\.value) == missing)
        // 4 labelled, right: (ok, ok) and (defect, defect).
        #expect(result.accuracy.labelled == 4 && result.accuracy.online == 0.5)
        // ok: predicted once (right), actual 3 times → precision 1, recall 1/3; defect: predicted 2,
        // right 1, actual 1; scrap: predicted once, never actual.
        #expect(result.accuracy.perClass.map(\.name) == ["ok", "defect", "scrap"])
        #expect(result.accuracy.perClass.map(\.metrics.precision) == [1, 0.5, 0])
        #expect(result.accuracy.perClass.map(\.metrics.recall) == [1.0 / 3, 1, nil])
        #expect(result.accuracy.perClass.map(\.metrics.support) == [3, 1, 0])
        // Nearest rank over 10, 10, 20, 30 ms: p50 = 2nd value, p90..p99.9 = 4th; bucket tops in ms.
        #expect(result.latency?.p50 == 10.007 && result.latency?.p99 == 30 && result.latency?.max == 30)
        #expect(result.latency?.samples == 4)
        // Hosts sorted by name; every host's samples together: 50, 60, 70.
        #expect(result.resourcesByHost.map(\.host) == ["edge-1", "edge-2"])
        #expect(result.resources.first?.mean == 60 && result.resources.first?.max == 70)
        #expect(result.throughputPerSecond == 0.1)
    }

    @Test func windowsBinnedByBaselinesOfAnotherShapeHaveNoMergedPSI() {
        var first = WindowCounts(
            count: 1, bins: [[1, 0]], features: ["a"], present: [1], classes: [], classification: .init(),
            regression: .init(), latency: [], latencyMax: nil, resources: [], final: true)
        var other = first
        other.bins = [[0, 0, 1]]
        first.merge(other)
        let result = first.result(
            model: "m", version: "1", segment: [], revision: 0, start: 0, end: 1_000, baseline: Self.baseline)
        #expect(result.psi == [FeatureMetric(feature: "a", value: nil)])
        #expect(result.latency == nil)
    }

    @Test func countsSurviveTheirJSONForm() throws {
        let counts = WindowCounts(
            count: 3, bins: [[1, 2]], features: ["a"], present: [3], classes: ["ok"],
            classification: Self.tally([(0, 0)]), regression: .init(),
            latency: [.init(highest: 1_023, count: 3)], latencyMax: 1.02, resources: [], final: true)
        let data = try JSONEncoder().encode(counts)
        #expect(String(decoding: data, as: UTF8.self).contains("\"latency\":[[1023,3]]"))
        #expect(try JSONDecoder().decode(WindowCounts.self, from: data) == counts)
    }
}
