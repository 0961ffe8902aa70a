/// The counts behind one window result, which add up across windows.
///
/// A window's result is computed from its counts, and so is a rollup's (an hour or a day of one
/// key): `merge(_:)` adds the counts of its windows and `result(...)` recomputes every statistic
/// from them — PSI from merged bin counts, accuracy and per-class figures from merged confusion
/// counts, percentiles from merged latency buckets, resource statistics from the merged samples —
/// never by averaging statistics. A day's rollup is therefore the result a run with one-day
/// windows emits for the same events.
public struct WindowCounts: Codable, Equatable, Sendable {
    /// One latency bucket: its highest equivalent value in microseconds and how many values it holds.
    public struct LatencyBucket: Codable, Equatable, Sendable {
        public var highest: UInt64
        public var count: UInt64

        public init(highest: UInt64, count: UInt64) {
            self.highest = highest
            self.count = count
        }

        /// Coded as `[highest, count]`, a third of the size of an object.
        public init(from decoder: any Decoder) throws {
            var pair = try decoder.unkeyedContainer()
            highest = try pair.decode(UInt64.self)
            count = try pair.decode(UInt64.self)
        }

        public func encode(to encoder: any Encoder) throws {
            var pair = encoder.unkeyedContainer()
            try pair.encode(highest)
            try pair.encode(count)
        }
    }

    /// Resource samples of one serving host, one array per `WindowCounts.resourceFields` entry.
    public struct HostSamples: Codable, Equatable, Sendable {
        public var host: String
        public var samples: [[Double]]

        public init(host: String, samples: [[Double]]) {
            self.host = host
            self.samples = samples
        }
    }

    /// The contract's resource fields, in output order.
    public static let resourceFields = ["cpu_pct", "mem_mb", "gpu_pct", "gpu_mem_mb"]

    /// Inference events.
    public var count: Int
    /// Bin counts of each baseline feature, in baseline order; empty without a baseline, or when
    /// merged windows were binned by baselines of different shapes.
    public var bins: [[Int]]
    /// The features seen (baseline features first), in the order of the result's missing rates.
    public var features: [String]
    /// Per entry of `features`: inferences with a value of it.
    public var present: [Int]
    /// Class names by class id (the baseline's classes first), the ids `classification` counts by.
    public var classes: [String]
    public var classification: ClassificationTally
    public var regression: RegressionTally
    /// Latency buckets, ascending (HdrHistogram's at 3 significant digits, see `LatencyHistogram`).
    public var latency: [LatencyBucket]
    /// The exact largest latency in milliseconds; `nil` without latencies.
    public var latencyMax: Double?
    /// Resource samples per host, sorted by host.
    public var resources: [HostSamples]
    /// Whether the label horizon has passed for every window counted.
    public var final: Bool

    public init(
        count: Int, bins: [[Int]], features: [String], present: [Int], classes: [String],
        classification: ClassificationTally, regression: RegressionTally, latency: [LatencyBucket],
        latencyMax: Double?, resources: [HostSamples], final: Bool
    ) {
        self.count = count
        self.bins = bins
        self.features = features
        self.present = present
        self.classes = classes
        self.classification = classification
        self.regression = regression
        self.latency = latency
        self.latencyMax = latencyMax
        self.resources = resources
        self.final = final
    }

    // MARK: - Merging

    /// Adds the counts of `other`, a window of the same model version.
    ///
    /// Features, classes and hosts are matched by name; ones `other` adds come after this one's.
    public mutating func merge(_ other: WindowCounts) {
        count += other.count
        if bins.map(\.count) == other.bins.map(\.count) {
            for feature in bins.indices {
                for bin in bins[feature].indices { bins[feature][bin] += other.bins[feature][bin] }
            }
        } else {
            bins = []
        }
        for (name, present) in zip(other.features, other.present) {
            if let index = features.firstIndex(of: name) {
                self.present[index] += present
            } else {
                features.append(name)
                self.present.append(present)
            }
        }
        let ids = other.classes.map { name in
            if let index = classes.firstIndex(of: name) { return index }
            classes.append(name)
            return classes.count - 1
        }
        classification.merge(other.classification.renumbered(ids))
        regression.merge(other.regression)
        latency = Self.merged(latency, other.latency)
        if let otherMax = other.latencyMax { latencyMax = max(latencyMax ?? otherMax, otherMax) }
        for host in other.resources {
            if let index = resources.firstIndex(where: { $0.host == host.host }) {
                for field in host.samples.indices { resources[index].samples[field] += host.samples[field] }
            } else {
                resources.append(host)
            }
        }
        resources.sort { $0.host < $1.host }
        final = final && other.final
    }

    private static func merged(_ a: [LatencyBucket], _ b: [LatencyBucket]) -> [LatencyBucket] {
        var merged: [LatencyBucket] = []
        merged.reserveCapacity(a.count + b.count)
        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i].highest < b[j].highest) {
                merged.append(a[i])
                i += 1
            } else if i == a.count || b[j].highest < a[i].highest {
                merged.append(b[j])
                j += 1
            } else {
                merged.append(LatencyBucket(highest: a[i].highest, count: a[i].count + b[j].count))
                i += 1
                j += 1
            }
        }
        return merged
    }

    // MARK: - The result

    /// The window result of these counts for the window [`start`, `end`) of a key, judged against
    /// `baseline` (PSI, offline accuracy).
    public func result(
        model: String, version: String, segment: [SegmentValue], revision: Int, start: Int64, end: Int64,
        baseline: Baseline?
    ) -> WindowResult {
        let psi = baseline.map { baseline in
            baseline.features.enumerated().map { slot, feature in
                let counted = slot < bins.count && bins[slot].count == feature.expected.count
                return FeatureMetric(
                    feature: feature.name,
                    value: counted ? PSI.value(expected: feature.expected, actualCounts: bins[slot]) : nil)
            }
        }
        let missing = zip(features, present).map { name, present in
            FeatureMetric(feature: name, value: count == 0 ? nil : Double(count - present) / Double(count))
        }
        let accuracy: AccuracyResult
        if regression.count > 0 {
            let metrics = RegressionMetrics(regression)
            accuracy = AccuracyResult(
                online: nil, offline: nil, gapPP: nil, labelled: regression.count, final: final, mae: metrics?.mae,
                rmse: metrics?.rmse)
        } else {
            let offline = baseline?.offline?.accuracy
            let labelled = classification.total
            let online = labelled > 0 ? Double(classification.correct) / Double(labelled) : nil
            let perClass =
                ClassificationMetrics(classification, classCount: classes.count)?.perClass.enumerated()
                .map { ClassResult(name: classes[$0.offset], metrics: $0.element) } ?? []
            accuracy = AccuracyResult(
                online: online, offline: offline,
                gapPP: online.flatMap { online in offline.map { ($0 - online) * 100 } }, labelled: labelled,
                final: final, perClass: perClass)
        }
        let latency = LatencyResult(
            buckets: self.latency.map { ($0.highest, $0.count) }, maxMilliseconds: latencyMax ?? -.infinity)
        var allHosts = Array(repeating: [Double](), count: Self.resourceFields.count)
        for host in resources {
            for field in host.samples.indices { allHosts[field] += host.samples[field] }
        }
        return WindowResult(
            model: model, version: version, segment: segment, revision: revision, start: start, end: end,
            count: count, psi: psi, missingRate: missing, accuracy: accuracy, latency: latency,
            throughputPerSecond: Double(count) / (Double(end - start) / 1000),
            resources: Self.stats(allHosts),
            resourcesByHost: resources.map { HostResources(host: $0.host, stats: Self.stats($0.samples)) })
    }

    /// Mean, max and nearest-rank p95 of each resource field that has samples.
    private static func stats(_ samples: [[Double]]) -> [ResourceStat] {
        var stats: [ResourceStat] = []
        for (index, values) in samples.enumerated() where !values.isEmpty {
            let sorted = values.sorted()
            let rank = Int((0.95 * Double(sorted.count)).rounded(.up))
            stats.append(
                ResourceStat(
                    field: resourceFields[index], mean: sorted.reduce(0, +) / Double(sorted.count),
                    max: sorted[sorted.count - 1], p95: sorted[max(rank, 1) - 1], samples: sorted.count))
        }
        return stats
    }
}
