/// What a rule watches in a window result, written as in the topology: `psi[current_a]`, `psi[*]`,
/// `missing_rate[*]`, `accuracy.gap_pp`, `accuracy.online`, `labelled`, `latency.p99`,
/// `resources.cpu_pct.max` or `throughput`.
public enum MetricSelector: Hashable, Sendable {
    /// Which features a per-feature selector watches.
    public enum Features: Hashable, Sendable {
        /// Every feature of the window (`[*]`), one alert each.
        case all
        /// One feature by name.
        case named(String)
    }

    /// A latency statistic of the window result.
    public enum LatencyStatistic: String, Hashable, Sendable, CaseIterable {
        case p50, p90, p95, p99, p999, max
    }

    /// A resource field of the contract's resource event.
    public enum ResourceField: String, Hashable, Sendable, CaseIterable {
        case cpuPct = "cpu_pct"
        case memMB = "mem_mb"
        case gpuPct = "gpu_pct"
        case gpuMemMB = "gpu_mem_mb"
    }

    /// A statistic of a resource field over the window.
    public enum ResourceStatistic: String, Hashable, Sendable, CaseIterable {
        case mean, max, p95
    }

    /// PSI of input features.
    case psi(Features)
    /// Missing rate of input features.
    case missingRate(Features)
    /// `accuracy.gap_pp`: (offline − online) accuracy in percentage points.
    case accuracyGap
    /// `accuracy.online`: the share of labelled inferences predicted right.
    case accuracyOnline
    /// `labelled`: how many inferences of the window got their label.
    case labelled
    /// `latency.<statistic>` in milliseconds.
    case latency(LatencyStatistic)
    /// `resources.<field>.<statistic>` over every host of the key.
    case resource(ResourceField, ResourceStatistic)
    /// `throughput`: inferences per second.
    case throughput

    /// The selector as a topology writes it, e.g. `psi[current_a]`.
    public var text: String {
        switch self {
        case .psi(let features): "psi" + Self.text(of: features)
        case .missingRate(let features): "missing_rate" + Self.text(of: features)
        case .accuracyGap: "accuracy.gap_pp"
        case .accuracyOnline: "accuracy.online"
        case .labelled: "labelled"
        case .latency(let statistic): "latency.\(statistic.rawValue)"
        case .resource(let field, let statistic): "resources.\(field.rawValue).\(statistic.rawValue)"
        case .throughput: "throughput"
        }
    }

    /// The `metric` of the alerts the selector raises: its text without a feature (`psi`, `latency.p99`).
    public var family: RuleMetric {
        switch self {
        case .psi: .psi
        case .missingRate: .missingRate
        default: RuleMetric(rawValue: text)
        }
    }

    /// Whether the selector reads the label join's results, judged only once a window is final.
    public var readsLabels: Bool {
        switch self {
        case .accuracyGap, .accuracyOnline, .labelled: true
        default: false
        }
    }

    /// Whether the selector is an accuracy (`accuracy.gap_pp`, `accuracy.online`), whose samples are labels.
    public var isAccuracy: Bool { self == .accuracyGap || self == .accuracyOnline }

    private static func text(of features: Features) -> String {
        switch features {
        case .all: "[*]"
        case .named(let name): "[\(name)]"
        }
    }
}
