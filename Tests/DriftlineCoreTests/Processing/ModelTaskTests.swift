import DriftlineCore
import Testing

/// The task comes from the baseline: integer class ids are classes, and a record a task cannot
/// hold is rejected with its reason.
@Suite struct ModelTaskTests {
    typealias H = ProcessorHarness

    /// A baseline of `m` `1` with one numeric feature `x` and the given task; a classifier's offline
    /// accuracy is 0.9 over classes 0 and 1.
    static func baseline(task: ModelTask) -> Baseline {
        var offline: OfflineMetrics
        switch task {
        case .classification:
            var tally = ClassificationTally()
            for i in 0..<10 { tally.record(predicted: 0, actual: i < 9 ? 0 : 1) }
            offline = OfflineMetrics(classes: ["0", "1"], classification: ClassificationMetrics(tally)!)
        case .regression:
            var tally = RegressionTally()
            tally.record(predicted: 1, actual: 2)
            offline = OfflineMetrics(regression: RegressionMetrics(tally)!)
        }
        return Baseline(
            model: "m", version: "1", task: task,
            features: [.numeric(name: "x", edges: [10], expected: [0.5, 0.5], referenceCount: 100, missingRate: 0)],
            offline: offline, latencyBudgetMs: 100, binning: .init(method: .quantile, binCount: 2),
            createdFrom: .init(referenceRows: 100, testRows: 10))
    }

    static func inference(ts: Int64, prediction: String, label: String? = nil) -> String {
        "{\"type\":\"inference\",\"model\":\"m\",\"version\":\"1\",\"ts\":\(ts),\"features\":{\"x\":1},\"prediction\":\(prediction)"
            + (label.map { ",\"label\":\($0)" } ?? "") + "}"
    }

    @Test func integerPredictionsOfAClassifierAreClassesWithAnAccuracyGap() throws {
        let h = try H(DriftProcessorTests.settings(), baselines: [Self.baseline(task: .classification)])
        // (prediction, label): (1,1) (0,1) (1,1) (0,0) → 3 of 4 right; offline 0.9 → gap 15 points.
        for (i, (prediction, label)) in [(1, 1), (0, 1), (1, 1), (0, 0)].enumerated() {
            #expect(
                try h.feed(Self.inference(ts: Int64(i) * 1_000, prediction: "\(prediction)", label: "\(label)"))
                    == .accepted)
        }
        h.finish()
        let accuracy = try #require(h.results.first?.accuracy)
        #expect(accuracy.online == 0.75)
        #expect(accuracy.offline == 0.9)
        #expect(abs((accuracy.gapPP ?? 0) - 15) < 1e-9)
        #expect(accuracy.labelled == 4)
        #expect(accuracy.mae == nil && accuracy.rmse == nil)
        // Class 1: predicted twice, right twice, 3 real → precision 1, recall 2/3.
        let one = try #require(accuracy.perClass.first { $0.name == "1" })
        #expect(one.metrics.precision == 1)
        #expect(abs((one.metrics.recall ?? 0) - 2.0 / 3) < 1e-12)
    }

    @Test func integerAndTextClassIdsAreOneClass() throws {
        let h = try H(DriftProcessorTests.settings(), baselines: [Self.baseline(task: .classification)])
        try h.feed(Self.inference(ts: 0, prediction: "1", label: "\"1\""))
        try h.feed(Self.inference(ts: 1_000, prediction: "\"0\"", label: "0"))
        h.finish()
        #expect(h.results.first?.accuracy.online == 1)
        #expect(h.results.first?.accuracy.perClass.map(\.name) == ["0", "1"])
    }

    @Test func aFractionWhereAClassIsExpectedIsRejectedWithItsReason() throws {
        let h = try H(DriftProcessorTests.settings(), baselines: [Self.baseline(task: .classification)])
        let disposition = try h.feed(Self.inference(ts: 0, prediction: "0.37", label: "1"))
        guard case .rejected(let reason) = disposition else {
            Issue.record("expected a rejection, got \(disposition)")
            return
        }
        #expect(reason.contains("prediction 0.37 is not a class label"))
        #expect(reason.contains("m 1 is a classifier (its baseline's task)"))
        // A late label that is a fraction is rejected too; the inference stays unlabelled.
        try h.feed(
            "{\"type\":\"inference\",\"model\":\"m\",\"version\":\"1\",\"ts\":1000,\"request_id\":\"r\",\"features\":{},\"prediction\":1}"
        )
        guard
            case .rejected(let labelReason) = try h.feed(
                "{\"type\":\"label\",\"model\":\"m\",\"request_id\":\"r\",\"ts\":1000,\"label\":2.5}")
        else {
            Issue.record("expected the label to be rejected")
            return
        }
        #expect(labelReason.hasPrefix("label 2.5 is not a class label"))
        h.finish()
        #expect(h.results.first?.count == 1)
        #expect(h.results.first?.accuracy.labelled == 0)
    }

    @Test func aRegressorWithIntegralTargetsReportsErrorsNotAccuracy() throws {
        let h = try H(DriftProcessorTests.settings(), baselines: [Self.baseline(task: .regression)])
        // Errors −2, +1, 0: MAE = 3/3 = 1; RMSE = √(5/3).
        for (i, (prediction, label)) in [("10", "12"), ("8", "7"), ("5.5", "5.5")].enumerated() {
            #expect(try h.feed(Self.inference(ts: Int64(i) * 1_000, prediction: prediction, label: label)) == .accepted)
        }
        let text = try h.feed(Self.inference(ts: 4_000, prediction: "\"defect\"", label: "1"))
        #expect(text == .rejected("prediction \"defect\" is not a number: m 1 is a regressor (its baseline's task)"))
        h.finish()
        let accuracy = try #require(h.results.first?.accuracy)
        #expect(accuracy.labelled == 3)
        #expect(accuracy.mae == 1)
        #expect(abs((accuracy.rmse ?? 0) - (5.0 / 3).squareRoot()) < 1e-12)
        #expect(accuracy.online == nil && accuracy.gapPP == nil)
    }

    @Test func withoutABaselineTheFirstPredictionsFormDecides() throws {
        // Integer predictions make a classifier: accuracy, no errors.
        let classes = try H(DriftProcessorTests.settings(), baselines: [])
        try classes.feed(Self.inference(ts: 0, prediction: "1", label: "1"))
        try classes.feed(Self.inference(ts: 1_000, prediction: "0", label: "1"))
        classes.finish()
        #expect(classes.results.first?.accuracy.online == 0.5)
        #expect(classes.results.first?.accuracy.mae == nil)
        // A number written with a fraction makes a regressor; later integers are numbers then.
        let numbers = try H(DriftProcessorTests.settings(), baselines: [])
        try numbers.feed(Self.inference(ts: 0, prediction: "2.0", label: "1"))
        try numbers.feed(Self.inference(ts: 1_000, prediction: "4", label: "1"))
        numbers.finish()
        #expect(numbers.results.first?.accuracy.mae == 2)  // errors 1 and 3
        #expect(numbers.results.first?.accuracy.online == nil)
    }
}
