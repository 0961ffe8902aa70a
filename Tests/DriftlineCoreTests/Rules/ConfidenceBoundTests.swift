import DriftlineCore
import Testing

/// The Wilson bounds and the normal quantile against values computed apart: scipy 1.17
/// (`scipy.stats.norm.ppf`) for the quantiles, and the Wilson formula evaluated in Python with
/// that quantile for the bounds.
@Suite struct ConfidenceBoundTests {
    @Test(arguments: [
        (0.95, 1.6448536269514722), (0.99, 2.3263478740408408), (0.9, 1.2815515655446004),
        (0.975, 1.959963984540054), (0.05, -1.6448536269514722), (0.5, 0), (1e-10, -6.361340902404056),
    ])
    func theNormalQuantileMatchesScipy(probability: Double, expected: Double) {
        #expect(abs(ConfidenceBound.normalQuantile(probability) - expected) < 1e-12)
    }

    /// (right, labelled, upper, lower) at 95 % one-sided confidence.
    static let bounds: [(Int, Int, Double, Double)] = [
        (180, 200, 0.9297288977216682, 0.8595933737545114), (190, 200, 0.9698793883289113, 0.9181081670817905),
        (460, 500, 0.937770104518718, 0.8977090451922147), (1900, 2000, 0.9574257182745354, 0.941358431938338),
        (0, 10, 0.21294197008340698, 0), (10, 10, 1, 0.7870580299165931),
    ]

    @Test(arguments: bounds)
    func wilsonBoundsMatchAnIndependentEvaluation(right: Int, labelled: Int, upper: Double, lower: Double) {
        let p = Double(right) / Double(labelled)
        #expect(abs(ConfidenceBound.wilsonUpper(p, n: labelled, confidence: 0.95) - upper) < 1e-12)
        #expect(abs(ConfidenceBound.wilsonLower(p, n: labelled, confidence: 0.95) - lower) < 1e-12)
    }

    @Test func boundsNarrowAsLabelsGrowAndWidenWithConfidence() {
        let widths = [50, 200, 1_000, 10_000].map {
            ConfidenceBound.wilsonUpper(0.9, n: $0, confidence: 0.95) - 0.9
        }
        #expect(zip(widths, widths.dropFirst()).allSatisfy { $0 > $1 })
        #expect(
            ConfidenceBound.wilsonUpper(0.9, n: 200, confidence: 0.99)
                > ConfidenceBound.wilsonUpper(0.9, n: 200, confidence: 0.95))
    }
}
