#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One-sided Wilson score bounds of a binomial proportion, and the normal quantile they need.
///
/// The Wilson interval (Wilson 1927) inverts the normal approximation of the score test: for `k`
/// successes in `n` trials, `p = k/n` and `z` the one-sided normal quantile of the confidence,
/// the bounds are `(p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n)`. Unlike the plain normal
/// (Wald) interval it stays inside [0, 1] and keeps close to its nominal coverage at small `n`
/// and at `p` near 1, where model accuracies sit.
public enum ConfidenceBound {
    /// The upper bound of a proportion `p` observed over `n` trials at one-sided `confidence`.
    public static func wilsonUpper(_ p: Double, n: Int, confidence: Double) -> Double {
        wilson(p, n: n, z: normalQuantile(confidence), sign: 1)
    }

    /// The lower bound of a proportion `p` observed over `n` trials at one-sided `confidence`.
    public static func wilsonLower(_ p: Double, n: Int, confidence: Double) -> Double {
        wilson(p, n: n, z: normalQuantile(confidence), sign: -1)
    }

    static func wilson(_ p: Double, n: Int, z: Double, sign: Double) -> Double {
        guard n > 0 else { return sign > 0 ? 1 : 0 }
        let n = Double(n)
        let z2 = z * z
        let centre = p + z2 / (2 * n)
        let spread = z * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        return min(1, max(0, (centre + sign * spread) / (1 + z2 / n)))
    }

    /// Φ⁻¹(`probability`), the standard normal quantile, for 0 < probability < 1: Wichura's
    /// algorithm AS 241 (PPND16), accurate to about 1e-16.
    public static func normalQuantile(_ probability: Double) -> Double {
        let q = probability - 0.5
        if abs(q) <= 0.425 {
            let r = 0.180625 - q * q
            return q
                * poly(
                    r,
                    [
                        3.387132872796366608, 133.14166789178437745, 1971.5909503065514427,
                        13731.693765509461125, 45921.953931549871457, 67265.770927008700853, 33430.575583588128105,
                        2509.0809287301226727,
                    ])
                / poly(
                    r,
                    [
                        1.0, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077,
                        21213.794301586595867, 39307.89580009271061, 28729.085735721942674, 5226.495278852545925,
                    ])
        }
        var r = q < 0 ? probability : 1 - probability
        r = (-log(r)).squareRoot()
        var value: Double
        if r <= 5 {
            r -= 1.6
            value =
                poly(
                    r,
                    [
                        1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055,
                        3.64784832476320460504, 1.27045825245236838258, 0.24178072517745061177,
                        0.0227238449892691845833,
                        7.7454501427834140764e-4,
                    ])
                / poly(
                    r,
                    [
                        1.0, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455,
                        0.14810397642748007459, 0.0151986665636164571966, 5.475938084995344946e-4,
                        1.05075007164441684324e-9,
                    ])
        } else {
            r -= 5
            value =
                poly(
                    r,
                    [
                        6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358,
                        0.29656057182850489123, 0.026532189526576123093, 0.0012426609473880784386,
                        2.71155556874348757815e-5, 2.01033439929228813265e-7,
                    ])
                / poly(
                    r,
                    [
                        1.0, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525,
                        7.868691311456132591e-4, 1.8463183175100546818e-5, 1.4215117583164458887e-7,
                        2.04426310338993978564e-15,
                    ])
        }
        return q < 0 ? -value : value
    }

    /// c₀ + c₁x + … + cₖxᵏ.
    private static func poly(_ x: Double, _ coefficients: [Double]) -> Double {
        coefficients.reversed().reduce(0) { $0 * x + $1 }
    }
}
