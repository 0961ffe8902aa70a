import DriftlineCore
import Foundation
import GRDB

/// The hourly and daily rollups a write transaction changes, recomputed before it commits.
///
/// A window with counts (a tumbling window whose size divides an hour or a day) marks the rollups
/// it falls in. Each marked hour is recomputed from the counts of its windows' latest revisions,
/// each marked day from its hours (or from its windows when they are longer than an hour): the
/// counts are merged and the result computed from them (`WindowCounts`), so a late revision of a
/// window changes its hour and day as it changes the window.
struct Rollups {
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000

    private struct Bucket: Hashable, Comparable {
        var model: String
        var version: String
        var segment: String
        var start: Int64

        static func < (a: Bucket, b: Bucket) -> Bool {
            (a.start, a.model, a.version, a.segment) < (b.start, b.model, b.version, b.segment)
        }
    }

    /// Hours to recompute, with their key's segment values.
    private var hours: [Bucket: [SegmentValue]] = [:]
    /// Days to recompute, with their key's segment values and whether they merge hours.
    private var days: [Bucket: (segment: [SegmentValue], fromHours: Bool)] = [:]

    /// Marks the hour and day `result` falls in, when its window divides them.
    mutating func mark(_ result: WindowResult) {
        let size = result.end - result.start
        guard size > 0 else { return }
        let segment = result.segmentID
        func bucket(_ span: Int64) -> Bucket {
            let start = result.start - result.start.floorDivided(by: span).remainder
            return Bucket(model: result.model, version: result.version, segment: segment, start: start)
        }
        if Self.hour % size == 0 {
            hours[bucket(Self.hour)] = result.segment
            days[bucket(Self.day)] = (result.segment, true)
        } else if Self.day % size == 0 {
            days[bucket(Self.day)] = (result.segment, false)
        }
    }

    /// Recomputes every marked rollup whose span starts at or after `oldest` (older spans have
    /// lost windows to retention and keep the rollup they had).
    func write(into db: Database, oldest: Int64, encoder: ContractEncoder) throws {
        var baselines = BaselineLookup()
        for (bucket, segment) in hours.sorted(by: { $0.key < $1.key }) where bucket.start >= oldest {
            try rollUp(
                bucket, segment: segment, resolution: .hour, length: Self.hour, from: .raw, into: db,
                baselines: &baselines, encoder: encoder)
        }
        for (bucket, day) in days.sorted(by: { $0.key < $1.key }) where bucket.start >= oldest {
            try rollUp(
                bucket, segment: day.segment, resolution: .day, length: Self.day,
                from: day.fromHours ? .hour : .raw, into: db, baselines: &baselines, encoder: encoder)
        }
    }

    /// Merges the windows (`.raw`) or hourly rollups (`.hour`) of `bucket` into one rollup of
    /// `resolution`.
    private func rollUp(
        _ bucket: Bucket, segment: [SegmentValue], resolution: StoreQuery.Resolution, length: Int64,
        from: StoreQuery.Resolution, into db: Database, baselines: inout BaselineLookup, encoder: ContractEncoder
    ) throws {
        let (merged, _) = try Self.mergedCounts(
            model: bucket.model, version: bucket.version, segment: bucket.segment, from: bucket.start,
            to: bucket.start + length, resolution: from, in: db)
        guard let merged else { return }
        let result = merged.result(
            model: bucket.model, version: bucket.version, segment: segment, revision: 0, start: bucket.start,
            end: bucket.start + length,
            baseline: try baselines.baseline(model: bucket.model, version: bucket.version, in: db))
        let key: [any DatabaseValueConvertible] = [
            resolution.rawValue, bucket.model, bucket.version, bucket.segment, bucket.start,
        ]
        try db.cachedStatement(
            sql: """
                INSERT INTO window_rollups (resolution, model, version, segment, window_start, window_end, revision,
                    count, accuracy_online, accuracy_offline, accuracy_gap_pp, labelled,
                    latency_p50, latency_p95, latency_p99, latency_max, throughput_per_s, record, counts)
                VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (resolution, model, version, segment, window_start) DO UPDATE SET
                    window_end = excluded.window_end, count = excluded.count,
                    accuracy_online = excluded.accuracy_online, accuracy_offline = excluded.accuracy_offline,
                    accuracy_gap_pp = excluded.accuracy_gap_pp, labelled = excluded.labelled,
                    latency_p50 = excluded.latency_p50, latency_p95 = excluded.latency_p95,
                    latency_p99 = excluded.latency_p99, latency_max = excluded.latency_max,
                    throughput_per_s = excluded.throughput_per_s, record = excluded.record, counts = excluded.counts
                """
        ).execute(
            arguments: StatementArguments(key) + [
                result.end, result.count, result.accuracy.online, result.accuracy.offline, result.accuracy.gapPP,
                result.accuracy.labelled, result.latency?.p50, result.latency?.p95, result.latency?.p99,
                result.latency?.max, result.throughputPerSecond,
                String(decoding: try encoder.encode(result), as: UTF8.self),
                String(decoding: try encoder.encode(merged), as: UTF8.self),
            ])
        try db.cachedStatement(
            sql: """
                DELETE FROM rollup_psi WHERE resolution = ? AND model = ? AND version = ? AND segment = ?
                    AND window_start = ?
                """
        ).execute(arguments: StatementArguments(key))
        let psi = try db.cachedStatement(
            sql: """
                INSERT INTO rollup_psi (resolution, model, version, segment, window_start, feature, psi)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
        for metric in result.psi ?? [] {
            try psi.execute(arguments: StatementArguments(key) + [metric.feature, metric.value])
        }
    }
}

extension Rollups {
    /// The counts of one key's windows (`.raw`) or rollups of `resolution` starting in [from, to),
    /// merged in window order, and how many were merged: what a rollup or a comparison's side is
    /// computed from.
    static func mergedCounts(
        model: String, version: String, segment: String, from: Int64, to: Int64, resolution: StoreQuery.Resolution,
        in db: Database
    ) throws -> (counts: WindowCounts?, merged: Int) {
        let sql =
            resolution == .raw
            ? """
            SELECT counts FROM window_counts WHERE model = ? AND version = ? AND segment = ?
                AND window_start >= ? AND window_start < ? ORDER BY window_start
            """
            : """
            SELECT counts FROM window_rollups WHERE model = ? AND version = ? AND segment = ?
                AND window_start >= ? AND window_start < ? AND resolution = ? ORDER BY window_start
            """
        var arguments: StatementArguments = [model, version, segment, from, to]
        if resolution != .raw { arguments += [resolution.rawValue] }
        let decoder = JSONDecoder()
        var merged: WindowCounts?
        var count = 0
        let rows = try String.fetchCursor(db, sql: sql, arguments: arguments)
        while let text = try rows.next() {
            let counts = try decoder.decode(WindowCounts.self, from: Data(text.utf8))
            if merged == nil { merged = counts } else { merged!.merge(counts) }
            count += 1
        }
        return (merged, count)
    }
}
