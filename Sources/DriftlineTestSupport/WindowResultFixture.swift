public import DriftlineCore

/// Seeded, realistic window results for store benchmarks and tests: `keys` keys (model, version,
/// segment) of windows of `windowMs` from `startMs`, each carrying what the engine emits for the
/// generator's plant (10 numeric and 2 categorical features with PSI and missing rates, accuracy
/// with per-class figures, latency, resources overall and per host).
///
/// The same seed, key and window always give the same result, so a store filled in several runs
/// or processes holds the same rows. About one window in 50 has a second revision (a late label
/// revised its accuracy).
public struct WindowResultFixture: Sendable {
    /// One key: a model version and its segment.
    public struct Key: Sendable, Equatable {
        public var model: String
        public var version: String
        public var segment: [SegmentValue]
    }

    public let keys: [Key]
    public let startMs: Int64
    public let windowMs: Int64
    public let seed: UInt64
    static let features = [
        "temp_c", "current_a", "voltage_v", "wire_speed", "gas_flow", "travel_speed", "arc_length", "torch_angle",
        "humidity_pct", "vibration_rms", "material", "shift",
    ]

    /// `keyCount` keys over two model versions (weld-defect-cls 3.2.0 and paint-defect-cls 1.4.0),
    /// each key one `line` and `device` of its version.
    public init(keyCount: Int = 100, startMs: Int64 = 1_793_491_200_000, windowMs: Int64 = 60_000, seed: UInt64 = 1) {
        let versions = [("weld-defect-cls", "3.2.0"), ("paint-defect-cls", "1.4.0")]
        keys = (0..<keyCount).map { index in
            let (model, version) = versions[index % versions.count]
            let device = index / versions.count
            return Key(
                model: model, version: version,
                segment: [
                    SegmentValue(name: "device", value: "cam-\(device < 9 ? "0" : "")\(device + 1)"),
                    SegmentValue(name: "line", value: "L\(device % 4 + 1)"),
                ])
        }
        self.startMs = startMs
        self.windowMs = windowMs
        self.seed = seed
    }

    /// The canonical segment string of key `key`.
    public func segmentID(of key: Int) -> String {
        keys[key].segment.map { "\($0.name)=\($0.value)" }.joined(separator: ",")
    }

    /// Whether window `window` of key `key` has a second revision.
    public func isRevised(key: Int, window: Int) -> Bool {
        (UInt64(truncatingIfNeeded: key &* 7_919 &+ window &* 104_729) ^ seed) % 50 == 0
    }

    /// Window `window` (0-based from `startMs`) of key `key`, at `revision`.
    public func result(key: Int, window: Int, revision: Int = 0) -> WindowResult {
        var random = SeededRandom(
            seed: seed &* 0x9e37_79b9_7f4a_7c15 ^ UInt64(key) << 32 ^ UInt64(window) ^ UInt64(revision) << 60)
        func rounded(_ value: Double, _ places: Double) -> Double { (value * places).rounded() / places }
        let spec = keys[key]
        let start = startMs + Int64(window) * windowMs
        let count = 40 + Int(random.unit() * 40)
        let drifting = window % 1_440 > 1_200  // a drift late every day
        let psi = Self.features.map { feature in
            FeatureMetric(feature: feature, value: rounded(random.unit() * (drifting ? 0.4 : 0.08), 1e6))
        }
        let missing = Self.features.map { feature in
            FeatureMetric(feature: feature, value: random.unit() < 0.9 ? 0 : rounded(random.unit() * 0.05, 1e6))
        }
        let labelled = Int(Double(count) * (0.5 + random.unit() * 0.1)) + revision * 3
        let right = Int(Double(labelled) * (0.9 + random.unit() * 0.09))
        let online = Double(right) / Double(labelled)
        let defects = max(1, labelled / 12)
        let accuracy = AccuracyResult(
            online: online, offline: 0.97, gapPP: (0.97 - online) * 100, labelled: labelled, final: revision > 0,
            perClass: [
                ClassResult(
                    name: "ok",
                    metrics: ClassificationMetrics.ClassMetrics(
                        truePositives: right - defects / 2, predicted: labelled - defects, actual: labelled - defects)),
                ClassResult(
                    name: "defect",
                    metrics: ClassificationMetrics.ClassMetrics(
                        truePositives: defects / 2, predicted: defects, actual: defects)),
            ])
        let p50 = rounded(15 + random.unit() * 6, 1e3)
        let latency = LatencyResult(
            p50: p50, p90: rounded(p50 * 1.8, 1e3), p95: rounded(p50 * 2.1, 1e3), p99: rounded(p50 * 2.8, 1e3),
            p999: rounded(p50 * 3.5, 1e3), max: rounded(p50 * 3.9, 1e3), samples: count)
        func stat(_ field: String, _ center: Double) -> ResourceStat {
            let mean = rounded(center * (0.9 + random.unit() * 0.2), 1e1)
            return ResourceStat(
                field: field, mean: mean, max: rounded(mean * 1.2, 1e1), p95: rounded(mean * 1.15, 1e1), samples: 6)
        }
        let resources = [stat("cpu_pct", 60), stat("mem_mb", 1_830), stat("gpu_pct", 40), stat("gpu_mem_mb", 2_210)]
        let host = "edge-0\(spec.segment[0].value.last.map { String($0) } ?? "1")"
        return WindowResult(
            model: spec.model, version: spec.version, segment: spec.segment, revision: revision, start: start,
            end: start + windowMs, count: count, psi: psi, missingRate: missing, accuracy: accuracy, latency: latency,
            throughputPerSecond: Double(count) / Double(windowMs / 1_000), resources: resources,
            resourcesByHost: [HostResources(host: host, stats: resources)])
    }
}
