#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The population stability index of one feature in one window against its baseline profile.
///
/// `PSI = Σ_i (a_i − e_i) · ln(a_i / e_i)` over the profile's bins, where `e_i` is the baseline's
/// expected proportion of bin `i` and `a_i` the window's, each clamped below by `epsilon`.
public enum PSI {
    /// The floor of every proportion before use, so an empty bin does not make PSI infinite.
    public static let epsilon = 0.0001
    /// PSI at or below this is stable.
    public static let warningThreshold = 0.1
    /// PSI above this is drift (the `psi_high` rule's default threshold).
    public static let driftThreshold = 0.25

    /// How far a PSI value is from stable.
    public enum Band: String, Equatable, Sendable, Codable, CaseIterable {
        /// PSI ≤ 0.1.
        case stable
        /// 0.1 < PSI ≤ 0.25: reported, not alerted.
        case warning
        /// PSI > 0.25.
        case drift
    }

    /// The band `psi` falls in: `.stable` up to 0.1, `.warning` up to 0.25, `.drift` above.
    public static func band(_ psi: Double) -> Band {
        if psi <= warningThreshold { return .stable }
        if psi <= driftThreshold { return .warning }
        return .drift
    }

    /// PSI of a window that counted `actualCounts[i]` values in bin `i`, against the `expected`
    /// proportions; `nil` when the window counted no value.
    ///
    /// `expected` and `actualCounts` must have the same length (the profile's bin count).
    public static func value(expected: [Double], actualCounts: UnsafeBufferPointer<UInt32>) -> Double? {
        compute(expected: expected, counts: actualCounts)
    }

    /// PSI of a window that counted `actualCounts[i]` values in bin `i`; see `value(expected:actualCounts:)`.
    public static func value(expected: [Double], actualCounts: [UInt32]) -> Double? {
        compute(expected: expected, counts: actualCounts)
    }

    /// PSI of a window that counted `actualCounts[i]` values in bin `i`; see `value(expected:actualCounts:)`.
    public static func value(expected: [Double], actualCounts: [Int]) -> Double? {
        compute(expected: expected, counts: actualCounts)
    }

    private static func compute<Counts: Collection>(expected: [Double], counts: Counts) -> Double?
    where Counts.Element: BinaryInteger {
        precondition(expected.count == counts.count, "expected proportions and counts must have one entry per bin")
        var total = 0.0
        for count in counts { total += Double(count) }
        guard total > 0 else { return nil }
        var psi = 0.0
        for (e, count) in zip(expected, counts) {
            let a = max(Double(count) / total, epsilon)
            let e = max(e, epsilon)
            psi += (a - e) * log(a / e)
        }
        return psi
    }
}
