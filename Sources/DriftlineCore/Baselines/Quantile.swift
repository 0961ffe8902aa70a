/// Sample quantiles of sorted data.
public enum Quantile {
    /// The `p`-quantile of `sorted` by Hyndman–Fan definition 7 (numpy's default `linear` method):
    /// with `h = (n − 1)·p`, the value `x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋ + 1] − x[⌊h⌋])` (0-based).
    ///
    /// - Parameters:
    ///   - sorted: the sample in ascending order, without NaN; must not be empty.
    ///   - p: the probability, in `0...1`.
    public static func type7(sorted: [Double], p: Double) -> Double {
        precondition(!sorted.isEmpty, "the quantile of an empty sample is undefined")
        precondition((0...1).contains(p), "p must lie in 0...1")
        let h = Double(sorted.count - 1) * p
        let lower = Int(h.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let fraction = h - Double(lower)
        let low = sorted[lower]
        let high = sorted[upper]
        // Equal neighbours give exactly that value, so repeated data yields repeated edges.
        return low == high ? low : low + fraction * (high - low)
    }
}
