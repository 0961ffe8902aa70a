/// Running error sums of a regressor: count, Σ|e| and Σe², where e = prediction − actual.
public struct RegressionTally: Codable, Equatable, Sendable {
    /// Records seen.
    public private(set) var count = 0
    /// Σ |prediction − actual|.
    public private(set) var sumAbsoluteError = 0.0
    /// Σ (prediction − actual)².
    public private(set) var sumSquaredError = 0.0

    /// An empty tally.
    public init() {}

    /// Records one labelled prediction.
    public mutating func record(predicted: Double, actual: Double) {
        let error = predicted - actual
        count &+= 1
        sumAbsoluteError += abs(error)
        sumSquaredError += error * error
    }

    /// Adds the sums of `other` to this tally.
    public mutating func merge(_ other: RegressionTally) {
        count += other.count
        sumAbsoluteError += other.sumAbsoluteError
        sumSquaredError += other.sumSquaredError
    }
}
