/// Statistics helpers with the tolerances the tests use.
enum Sample {
    static func mean(_ values: [Double]) -> Double {
        values.reduce(0, +) / Double(values.count)
    }

    /// Five standard errors of a mean of `n` values with standard deviation `sigma`: a correct
    /// generator lands outside it with probability below 1e-6.
    static func meanTolerance(sigma: Double, n: Int) -> Double {
        5 * sigma / Double(n).squareRoot()
    }

    /// Five standard errors of a proportion `p` estimated from `n` trials.
    static func proportionTolerance(p: Double, n: Int) -> Double {
        5 * (p * (1 - p) / Double(n)).squareRoot()
    }
}
