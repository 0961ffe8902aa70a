public import DriftlineCore

/// Small baselines whose statistics can be worked out by hand, for tests and fuzzing.
public enum TestBaselines {
    /// Model `m` version `1`: numeric `x` split at 10 (half below, half above), categorical `c`
    /// with `a` and `b` half each and nothing else, offline accuracy 0.9 over classes ok/defect.
    public static let simple: Baseline = {
        var tally = ClassificationTally()
        for i in 0..<10 { tally.record(predicted: 0, actual: i < 9 ? 0 : 1) }
        return Baseline(
            model: "m", version: "1",
            features: [
                .numeric(name: "x", edges: [10], expected: [0.5, 0.5], referenceCount: 100, missingRate: 0),
                .categorical(
                    name: "c", categories: ["a", "b"], expected: [0.5, 0.5, 0], referenceCount: 100, missingRate: 0),
            ],
            offline: OfflineMetrics(classes: ["ok", "defect"], classification: ClassificationMetrics(tally)!),
            latencyBudgetMs: 100, binning: .init(method: .quantile, binCount: 2),
            createdFrom: .init(referenceRows: 100, testRows: 10))
    }()
}
