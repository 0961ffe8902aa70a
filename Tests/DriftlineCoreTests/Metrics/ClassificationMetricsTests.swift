import DriftlineCore
import Testing

@Suite struct ClassificationMetricsTests {
    // Classes 0 cat, 1 dog, 2 fish. Confusion matrix (rows actual, columns predicted):
    //          cat dog fish
    //   cat     3   1   0     support 4
    //   dog     1   2   1     support 4
    //   fish    0   0   0     support 0
    // Correct 5 of 8 → accuracy 0.625.
    // cat:  TP 3, predicted 4 → P 0.75;  recall 3/4 = 0.75; F1 0.75.
    // dog:  TP 2, predicted 3 → P 2/3;   recall 2/4 = 0.5;  F1 = 2·(2/3)·(1/2)/(2/3 + 1/2) = 4/7.
    // fish: TP 0, predicted 1 → P 0;     never actual → recall undefined → F1 undefined.
    static let records: [(predicted: Int, actual: Int)] = [
        (0, 0), (0, 0), (0, 0), (1, 0),
        (0, 1), (1, 1), (1, 1), (2, 1),
    ]

    static func tally(_ records: some Sequence<(predicted: Int, actual: Int)>) -> ClassificationTally {
        var tally = ClassificationTally()
        for record in records { tally.record(predicted: record.predicted, actual: record.actual) }
        return tally
    }

    @Test func smallConfusionMatrix() throws {
        let tally = Self.tally(Self.records)
        #expect(tally.total == 8)
        #expect(tally.correct == 5)
        let metrics = try #require(ClassificationMetrics(tally))
        #expect(metrics.accuracy == 0.625)
        #expect(metrics.count == 8)
        #expect(metrics.perClass.count == 3)
        let cat = metrics.perClass[0]
        #expect(cat.precision == 0.75 && cat.recall == 0.75 && cat.f1 == 0.75 && cat.support == 4)
        let dog = metrics.perClass[1]
        #expect(abs(try #require(dog.precision) - 2.0 / 3) < 1e-12)
        #expect(dog.recall == 0.5)
        #expect(abs(try #require(dog.f1) - 4.0 / 7) < 1e-12)
        let fish = metrics.perClass[2]
        #expect(fish.precision == 0 && fish.recall == nil && fish.f1 == nil && fish.support == 0)
    }

    @Test func neverPredictedClassHasNoPrecision() {
        let metrics = ClassificationMetrics.ClassMetrics(truePositives: 0, predicted: 0, actual: 2)
        #expect(metrics.precision == nil && metrics.recall == 0 && metrics.f1 == nil)
    }

    @Test func zeroPrecisionAndRecallGiveZeroF1() {
        let metrics = ClassificationMetrics.ClassMetrics(truePositives: 0, predicted: 2, actual: 3)
        #expect(metrics.precision == 0 && metrics.recall == 0 && metrics.f1 == 0)
    }

    @Test func classesNeverSeenAreListedWhenAsked() throws {
        let metrics = try #require(ClassificationMetrics(Self.tally([(0, 0)]), classCount: 3))
        #expect(metrics.perClass.map(\.support) == [1, 0, 0])
        #expect(metrics.perClass[2].precision == nil)
    }

    @Test func emptyTallyHasNoMetrics() {
        #expect(ClassificationTally().accuracy == nil)
        #expect(ClassificationMetrics(ClassificationTally()) == nil)
    }

    @Test func mergingHalvesEqualsTallyingTheWhole() {
        var first = Self.tally(Self.records.prefix(3))  // classes 0 only
        let second = Self.tally(Self.records.dropFirst(3))  // up to class 2
        first.merge(second)
        #expect(first == Self.tally(Self.records))
    }
}
