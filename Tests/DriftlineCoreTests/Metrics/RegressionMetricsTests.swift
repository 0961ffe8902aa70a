import DriftlineCore
import Testing

@Suite struct RegressionMetricsTests {
    @Test func maeAndRmseOfThreeErrors() throws {
        // Errors 0.5, −1.5, 2: MAE = 4/3 ≈ 1.3333333; RMSE = √((0.25 + 2.25 + 4)/3) = √(6.5/3) ≈ 1.4719601.
        var tally = RegressionTally()
        tally.record(predicted: 1.5, actual: 1)
        tally.record(predicted: 0.5, actual: 2)
        tally.record(predicted: 7, actual: 5)
        let metrics = try #require(RegressionMetrics(tally))
        #expect(abs(metrics.mae - 1.3333333) < 1e-7)
        #expect(abs(metrics.rmse - 1.4719601) < 1e-7)
        #expect(metrics.count == 3)
    }

    @Test func mergeAddsTheSums() {
        var a = RegressionTally()
        a.record(predicted: 1, actual: 0)
        var b = RegressionTally()
        b.record(predicted: 0, actual: 3)
        a.merge(b)
        // Errors 1 and −3: Σ|e| = 4, Σe² = 10.
        #expect(a.count == 2 && a.sumAbsoluteError == 4 && a.sumSquaredError == 10)
    }

    @Test func emptyTallyHasNoMetrics() {
        #expect(RegressionMetrics(RegressionTally()) == nil)
    }
}
