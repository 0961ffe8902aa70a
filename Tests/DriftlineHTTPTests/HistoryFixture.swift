import DriftlineCore
import DriftlineStore
import Foundation

/// A history store filled through `HistoryStore.write` with window results (several revisions of
/// some windows), alerts, triggers and baselines, their records encoded as the engine's sinks
/// encode them; and what each endpoint should answer, worked out here from the values written.
struct HistoryFixture {
    struct Window {
        var model: String
        var version: String
        var segment: [SegmentValue]
        var start: Int64
        var revision: Int
        var count: Int
        var online: Double?
        var record: String

        /// The contract's segment string, built here: pairs sorted by name.
        var segmentText: String {
            segment.isEmpty
                ? "_all" : segment.sorted { $0.name < $1.name }.map { "\($0.name)=\($0.value)" }.joined(separator: ",")
        }
    }

    struct Event {
        var start: Int64
        var model: String
        var version: String
        var segmentText: String
        var at: Int64
        var id: String
        var state: String
        var record: String
    }

    let path: String
    let store: HistoryStore
    private(set) var windows: [Window] = []
    private(set) var alerts: [Event] = []
    private(set) var triggers: [Event] = []

    static let line1 = [SegmentValue(name: "line", value: "L1")]
    static let line2 = [SegmentValue(name: "line", value: "L2")]
    // Sorted by name, as the engine keys them (the store keeps a window's segment in the order given).
    static let cam = [SegmentValue(name: "device", value: "cam-07"), SegmentValue(name: "line", value: "L1")]

    /// A fresh store file in a directory of its own.
    static func temporaryPath() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("http-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("history.db").path
    }

    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    init() throws {
        path = try Self.temporaryPath()
        store = try HistoryStore(path: path)
        var batch = StoreBatch()
        let keys: [(String, String, [SegmentValue])] = [
            ("weld-defect-cls", "3.2.0", []), ("weld-defect-cls", "3.2.0", Self.line1),
            ("weld-defect-cls", "3.2.0", Self.line2), ("weld-defect-cls", "3.2.0", Self.cam),
            ("paint-qa", "1.0.0", []),
        ]
        for step in 0..<4 {
            let start = Int64(step) * 300_000
            for (index, key) in keys.enumerated() {
                // Some windows were revised by late data: revisions 0...(index + step) % 3.
                for revision in 0...((index + step) % 3) {
                    let count = 100 + index * 10 + step + revision
                    let online: Double? = revision == 1 ? nil : 0.75
                    let result = WindowResult(
                        model: key.0, version: key.1, segment: key.2, revision: revision, start: start,
                        end: start + 300_000, count: count,
                        psi: [
                            FeatureMetric(feature: "current_a", value: 0.5),
                            FeatureMetric(feature: "temp_c", value: nil),
                        ],
                        missingRate: [],
                        accuracy: AccuracyResult(
                            online: online, offline: 0.875, gapPP: online.map { _ in 12.5 }, labelled: 40, final: true),
                        latency: LatencyResult(p50: 20, p90: 40, p95: 50, p99: 90, p999: 99, max: 120, samples: count),
                        throughputPerSecond: Double(count) / 300, resources: [], resourcesByHost: [])
                    let record = try Self.encode(result)
                    batch.results.append(StoreBatch.Entry(result, record: record))
                    windows.append(
                        Window(
                            model: key.0, version: key.1, segment: key.2, start: start, revision: revision,
                            count: count,
                            online: online, record: String(decoding: record, as: UTF8.self)))
                }
            }
            for (state, at) in [(Alert.State.firing, start + 300_500), (.resolved, start + 300_900)] where step > 0 {
                let alert = Alert(
                    alertID: "psi_high/weld-defect-cls/3.2.0/line=L1/current_a", state: state, severity: "critical",
                    rule: "psi_high", model: "weld-defect-cls", version: "3.2.0", segment: Self.line1, metric: .psi,
                    feature: step == 3 ? "temp_c" : "current_a", value: 0.5, threshold: 0.25, windowStart: start,
                    windowEnd: start + 300_000, at: at)
                let record = try Self.encode(alert)
                batch.alerts.append(StoreBatch.Entry(alert, record: record))
                alerts.append(
                    Event(
                        start: start, model: alert.model, version: alert.version, segmentText: "line=L1", at: at,
                        id: alert.alertID, state: state.rawValue, record: String(decoding: record, as: UTF8.self)))
            }
            for model in ["weld-defect-cls", "paint-qa"] where step % 2 == 1 {
                let version = model == "paint-qa" ? "1.0.0" : "3.2.0"
                let trigger = RetrainTrigger(
                    triggerID: "\(model)/\(version)/\(start)", model: model, version: version,
                    reasons: [
                        RetrainTrigger.Reason(
                            rule: "psi_high", metric: .psi, feature: "current_a", value: 0.5, threshold: 0.25,
                            segment: "_all")
                    ], windowStart: start, windowEnd: start + 300_000, at: start + 301_000)
                let record = try Self.encode(trigger)
                batch.triggers.append(StoreBatch.Entry(trigger, record: record))
                triggers.append(
                    Event(
                        start: start, model: model, version: version, segmentText: "", at: trigger.at,
                        id: trigger.triggerID, state: "", record: String(decoding: record, as: UTF8.self)))
            }
        }
        batch.baselines = [
            BaselineUse(Self.baseline("weld-defect-cls", "3.2.0", accuracy: true), seenAt: 1_000),
            BaselineUse(Self.baseline("paint-qa", "1.0.0", accuracy: false), seenAt: 2_000),
            BaselineUse(Self.baseline("weld-defect-cls", "3.2.0", accuracy: true), seenAt: 5_000),
        ]
        // Written in two batches, so revisions land in separate transactions too.
        var first = StoreBatch()
        first.results = Array(batch.results.prefix(10))
        batch.results.removeFirst(10)
        try store.write(first)
        try store.write(batch)
    }

    /// A baseline with no features; with `accuracy`, an offline accuracy of 0.5 (one of two right).
    static func baseline(_ model: String, _ version: String, accuracy: Bool) -> Baseline {
        var tally = ClassificationTally()
        tally.record(predicted: 0, actual: 0)
        tally.record(predicted: 1, actual: 0)
        let offline =
            accuracy
            ? OfflineMetrics(classes: ["defect", "ok"], classification: ClassificationMetrics(tally, classCount: 2)!)
            : nil
        return Baseline(
            model: model, version: version, task: accuracy ? nil : .regression, features: [], offline: offline,
            latencyBudgetMs: nil, binning: .init(method: .quantile, binCount: 10),
            createdFrom: .init(referenceRows: 8, testRows: 2))
    }

    /// The latest revision of each window (every revision with `allRevisions`) passing `filter`, in
    /// the API's order: window start, model, version, segment (and revision).
    func expectedWindows(allRevisions: Bool = false, _ filter: (Window) -> Bool = { _ in true }) -> [Window] {
        var selected = windows.filter(filter)
        if !allRevisions {
            selected = selected.filter { window in
                !windows.contains {
                    $0.model == window.model && $0.version == window.version && $0.segmentText == window.segmentText
                        && $0.start == window.start && $0.revision > window.revision
                }
            }
        }
        return selected.sorted {
            ($0.start, $0.model, $0.version, $0.segmentText, $0.revision)
                < ($1.start, $1.model, $1.version, $1.segmentText, $1.revision)
        }
    }

    /// Alert transitions in the API's order.
    func expectedAlerts() -> [Event] {
        alerts.sorted {
            ($0.start, $0.model, $0.version, $0.segmentText, $0.at, $0.id) < (
                $1.start, $1.model, $1.version, $1.segmentText, $1.at, $1.id
            )
        }
    }

    /// Triggers in the API's order.
    func expectedTriggers() -> [Event] {
        triggers.sorted { ($0.start, $0.model, $0.version, $0.id) < ($1.start, $1.model, $1.version, $1.id) }
    }

    /// `millis` as RFC 3339 with milliseconds, by Foundation's formatter (not the project's).
    static func rfc3339(_ millis: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }
}
