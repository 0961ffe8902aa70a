public import DriftlineCore
import Foundation
import GRDB

/// Two model versions over the same period, or one version over two periods, side by side.
///
/// Each side is the result of the merged counts of its windows (the latest revision of each, or
/// the rollups of the resolution asked for), computed like a rollup's: PSI from merged bin
/// counts, accuracy from merged confusion counts, percentiles from merged latency buckets — the
/// result one window spanning the whole period would have.
public struct Comparison: Equatable, Sendable {
    /// One side: a model version over a period.
    public struct Side: Equatable, Sendable {
        public var version: String
        /// Window starts from (inclusive) and to (exclusive), epoch milliseconds.
        public var from: Int64
        public var to: Int64
        /// How many windows (or rollups) were merged.
        public var windows: Int
        /// The merged result; `nil` when the period holds no window with counts.
        public var result: WindowResult?
    }

    /// One metric on both sides.
    public struct Row: Equatable, Sendable {
        /// The metric's path in a window record: `count`, `accuracy.gap_pp`, `latency_ms.p99`,
        /// `psi.current_a`, `resources.cpu_pct.max`, ...
        public var metric: String
        public var left: Double?
        public var right: Double?
        /// `right − left`; `nil` when either is.
        public var difference: Double? { left.flatMap { left in right.map { $0 - left } } }
    }

    public var model: String
    /// The key's segment string (`_all` for the whole model).
    public var segment: String
    public var resolution: StoreQuery.Resolution
    public var left: Side
    public var right: Side
    /// Every metric either side has, the left side's order first.
    public var rows: [Row]
}

/// What to compare: one key of a model over two sides, each a version over a period.
public struct ComparisonRequest: Equatable, Sendable {
    /// A model version over the windows starting in [from, to) (epoch milliseconds).
    public struct Period: Equatable, Sendable {
        public var version: String
        public var from: Int64
        public var to: Int64

        public init(version: String, from: Int64, to: Int64) {
            self.version = version
            self.from = from
            self.to = to
        }
    }

    public var model: String
    /// The key's segment pairs; empty for the whole model.
    public var segment: [SegmentValue]
    public var left: Period
    public var right: Period
    /// Which windows are merged: the raw windows' latest revisions, or hourly or daily rollups.
    public var resolution: StoreQuery.Resolution
    /// Only these metrics; all when empty.
    public var metrics: [String]

    public init(
        model: String, segment: [SegmentValue], left: Period, right: Period, resolution: StoreQuery.Resolution,
        metrics: [String]
    ) {
        self.model = model
        self.segment = segment
        self.left = left
        self.right = right
        self.resolution = resolution
        self.metrics = metrics
    }
}

extension HistoryStore {
    /// The two sides of `request` side by side. A metric asked for that neither side has is a
    /// `QueryParameterError` about `metric` naming the ones there are.
    public func compare(_ request: ComparisonRequest) throws -> Comparison {
        try Self.comparison(request, try read { db in try Self.sides(request, db) })
    }

    /// `compare(_:)`, awaited: SQLite runs on the store's own queue, off the cooperative pool.
    public func compare(_ request: ComparisonRequest) async throws -> Comparison {
        try Self.comparison(request, try await read { db in try Self.sides(request, db) })
    }

    private static func sides(_ request: ComparisonRequest, _ db: Database) throws -> (Comparison.Side, Comparison.Side)
    {
        let segment = WindowResult.canonicalSegment(request.segment)
        var baselines = BaselineLookup()
        return (
            try merge(request.model, request.left, request.segment, segment, request.resolution, db, &baselines),
            try merge(request.model, request.right, request.segment, segment, request.resolution, db, &baselines)
        )
    }

    private static func comparison(
        _ request: ComparisonRequest, _ sides: (Comparison.Side, Comparison.Side)
    ) throws(QueryParameterError) -> Comparison {
        let (leftSide, rightSide) = sides
        let segmentText = WindowResult.canonicalSegment(request.segment)
        let metrics = request.metrics
        let leftMetrics = leftSide.result?.flatMetrics() ?? []
        let rightMetrics = rightSide.result?.flatMetrics() ?? []
        var names = leftMetrics.map(\.metric)
        for (name, _) in rightMetrics where !names.contains(name) { names.append(name) }
        if let unknown = metrics.first(where: { !names.contains($0) }) {
            throw QueryParameterError(
                parameter: "metric",
                message: "unknown metric '\(unknown)'; the compared windows have: \(names.joined(separator: ", "))")
        }
        let shown = metrics.isEmpty ? names : names.filter { metrics.contains($0) }
        let leftValues = Dictionary(leftMetrics.map { ($0.metric, $0.value) }, uniquingKeysWith: { first, _ in first })
        let rightValues = Dictionary(
            rightMetrics.map { ($0.metric, $0.value) }, uniquingKeysWith: { first, _ in first })
        return Comparison(
            model: request.model, segment: segmentText, resolution: request.resolution, left: leftSide,
            right: rightSide,
            rows: shown.map { Comparison.Row(metric: $0, left: leftValues[$0] ?? nil, right: rightValues[$0] ?? nil) })
    }

    private static func merge(
        _ model: String, _ side: ComparisonRequest.Period, _ segment: [SegmentValue],
        _ segmentText: String, _ resolution: StoreQuery.Resolution, _ db: Database, _ baselines: inout BaselineLookup
    ) throws -> Comparison.Side {
        let (merged, windows) = try Rollups.mergedCounts(
            model: model, version: side.version, segment: segmentText, from: side.from, to: side.to,
            resolution: resolution, in: db)
        let result = try merged.map {
            $0.result(
                model: model, version: side.version, segment: segment, revision: 0, start: side.from, end: side.to,
                baseline: try baselines.baseline(model: model, version: side.version, in: db))
        }
        return Comparison.Side(version: side.version, from: side.from, to: side.to, windows: windows, result: result)
    }
}

extension WindowResult {
    /// Every figure of the result by its path in the window record (`count`, `throughput_per_s`,
    /// `accuracy.online`, `latency_ms.p99`, `psi.<feature>`, `missing_rate.<feature>`,
    /// `resources.<field>.mean`, ...), `nil` where the record has `null`.
    public func flatMetrics() -> [(metric: String, value: Double?)] {
        var metrics: [(metric: String, value: Double?)] = [
            ("count", Double(count)), ("throughput_per_s", throughputPerSecond),
        ]
        metrics += [
            ("accuracy.online", accuracy.online), ("accuracy.offline", accuracy.offline),
            ("accuracy.gap_pp", accuracy.gapPP), ("accuracy.labelled", Double(accuracy.labelled)),
        ]
        if accuracy.mae != nil || accuracy.rmse != nil {
            metrics += [("accuracy.mae", accuracy.mae), ("accuracy.rmse", accuracy.rmse)]
        }
        metrics += [
            ("latency_ms.p50", latency?.p50), ("latency_ms.p90", latency?.p90), ("latency_ms.p95", latency?.p95),
            ("latency_ms.p99", latency?.p99), ("latency_ms.p99_9", latency?.p999), ("latency_ms.max", latency?.max),
        ]
        metrics += (psi ?? []).map { ("psi.\($0.feature)", $0.value) }
        metrics += missingRate.map { ("missing_rate.\($0.feature)", $0.value) }
        for stat in resources {
            metrics += [
                ("resources.\(stat.field).mean", stat.mean), ("resources.\(stat.field).max", stat.max),
                ("resources.\(stat.field).p95", stat.p95),
            ]
        }
        return metrics
    }
}

extension Comparison: Encodable {
    private enum Keys: String, CodingKey {
        case model, segment, resolution, left, right, metrics
        case version, from, to, windows, record
        case metric, difference
    }

    /// `{"model", "segment", "resolution", "left": {"version", "from", "to", "windows", "record"},
    /// "right": {...}, "metrics": [{"metric", "left", "right", "difference"}]}`; `record` is the
    /// merged window result in the contract's shape (or `null`), times are RFC 3339.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(model, forKey: .model)
        try container.encode(segment, forKey: .segment)
        try container.encode(resolution.rawValue, forKey: .resolution)
        for (side, key) in [(left, Keys.left), (right, .right)] {
            var nested = container.nestedContainer(keyedBy: Keys.self, forKey: key)
            try nested.encode(side.version, forKey: .version)
            try nested.encode(Timestamp.format(side.from), forKey: .from)
            try nested.encode(Timestamp.format(side.to), forKey: .to)
            try nested.encode(side.windows, forKey: .windows)
            try nested.encode(side.result, forKey: .record)
        }
        var list = container.nestedUnkeyedContainer(forKey: .metrics)
        for row in rows {
            var item = list.nestedContainer(keyedBy: Keys.self)
            try item.encode(row.metric, forKey: .metric)
            try item.encode(row.left, forKey: .left)
            try item.encode(row.right, forKey: .right)
            try item.encode(row.difference, forKey: .difference)
        }
    }

    /// The comparison as rows of text for a table or CSV: `metric`, one column per side (named by
    /// its version, or by its period when both sides are one version), `difference`.
    public var table: StoreRows {
        let sameVersion = left.version == right.version
        func name(_ side: Side) -> String {
            sameVersion ? "\(Timestamp.format(side.from))..\(Timestamp.format(side.to))" : side.version
        }
        return StoreRows(
            columns: ["metric", name(left), name(right), "difference"],
            values: rows.map { row in
                [row.metric, row.left?.plainText, row.right?.plainText, row.difference?.plainText]
            })
    }
}
