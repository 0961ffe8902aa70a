/// Nearest-rank percentiles of a set of latencies in milliseconds.
struct LatencyStats {
    private let sorted: [Double]

    /// Statistics of `values` (any order).
    init(_ values: [Double]) {
        sorted = values.sorted()
    }

    /// The smallest value with at least `quantile` of all values at or below it; nil when empty.
    func percentile(_ quantile: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((quantile * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    /// "p50 … p99 … max … ms" for a report.
    var summary: String {
        guard let p50 = percentile(0.5), let p99 = percentile(0.99), let max = sorted.last else { return "no values" }
        return "p50 \(Seconds.format(p50)) ms, p99 \(Seconds.format(p99)) ms, max \(Seconds.format(max)) ms "
            + "(\(sorted.count) alerts)"
    }
}
