/// Mean absolute and root-mean-square error of a regressor.
public struct RegressionMetrics: Codable, Equatable, Sendable {
    /// Mean absolute error.
    public var mae: Double
    /// Root-mean-square error.
    public var rmse: Double
    /// How many labelled records the figures come from.
    public var count: Int

    /// The metrics of `tally`; `nil` when it holds no record.
    public init?(_ tally: RegressionTally) {
        guard tally.count > 0 else { return nil }
        count = tally.count
        mae = tally.sumAbsoluteError / Double(tally.count)
        rmse = (tally.sumSquaredError / Double(tally.count)).squareRoot()
    }
}
