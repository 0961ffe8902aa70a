import ArgumentParser
import DriftlineCore
import DriftlineStore
import Foundation

/// `driftline query`: reads the history store.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Query the history store: window results, alerts, retraining triggers.",
        subcommands: [
            QueryWindowsCommand.self, QueryAlertsCommand.self, QueryTriggersCommand.self, QueryModelsCommand.self,
            QueryCompareCommand.self,
        ])
}

/// The options every `query` subcommand takes.
struct QueryOptions: ParsableArguments {
    /// How rows are printed.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, csv, json
    }

    @Option(help: "The SQLite history store to read (opened read-only).")
    var store: String
    @Option(help: "Only this model.")
    var model: String?
    @Option(help: "Only this model version.")
    var version: String?
    @Option(help: "A segment pair name=value (repeat for several); selects keys with exactly these pairs.")
    var segment: [String] = []
    @Option(help: "Windows: those with a PSI of this feature, shown in a psi column; alerts: those on this feature.")
    var feature: String?
    @Option(
        parsing: .unconditional,
        help: "Windows starting at or after this time: RFC 3339, or relative to now such as -7d, -2h.")
    var from: String?
    @Option(
        parsing: .unconditional, help: "Windows starting before this time: RFC 3339, or relative to now such as -1h.")
    var to: String?
    @Option(help: "table, csv or json (one contract record per line).")
    var format: Format = .table

    /// A query of `kind` with these filters.
    func query(_ kind: StoreQuery.Kind, now: Int64 = Int64(Date().timeIntervalSince1970 * 1000)) throws -> StoreQuery {
        var query = StoreQuery(kind)
        query.model = model
        query.version = version
        query.feature = feature
        if !segment.isEmpty { query.segment = WindowResult.canonicalSegment(try segmentValues()) }
        query.from = try from.map { try Self.time($0, option: "from", now: now) }
        query.to = try to.map { try Self.time($0, option: "to", now: now) }
        if let start = query.from, let end = query.to, start > end {
            throw ValidationError("--from (\(from!)) is after --to (\(to!))")
        }
        return query
    }

    /// The `--segment` pairs, sorted by name.
    func segmentValues() throws -> [SegmentValue] {
        var pairs: [SegmentValue] = []
        for text in segment {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ValidationError("--segment: '\(text)' is not name=value, e.g. line=L1")
            }
            guard !pairs.contains(where: { $0.name == parts[0] }) else {
                throw ValidationError("--segment: '\(parts[0])' is given twice")
            }
            pairs.append(SegmentValue(name: parts[0], value: parts[1]))
        }
        return pairs.sorted { $0.name < $1.name }
    }

    /// Epoch milliseconds of an RFC 3339 time or of a relative one (`-7d`, `-2h30m`) before `now`.
    static func time(_ text: String, option: String, now: Int64) throws -> Int64 {
        if text.hasPrefix("-"), let ago = DurationText.parse(String(text.dropFirst())) { return now - ago }
        if let time = Timestamp.parseRFC3339(text) { return time }
        throw ValidationError(
            "--\(option): '\(text)' is neither an RFC 3339 time (2026-11-26T03:55:00Z) nor a relative one (-7d, -2h)")
    }

    /// The store, opened read-only.
    func openStore() throws -> HistoryStore {
        do {
            return try HistoryStore(path: self.store, readOnly: true)
        } catch let error as StoreError where error.code == .missing {
            throw ValidationError("--store: no history store at '\(self.store)'")
        }
    }

    /// Opens the store read-only and prints what `query` selects.
    func run(_ query: StoreQuery) throws {
        var selected = try openStore().rows(query)
        if format != .json {
            // Times as RFC 3339 for people and spreadsheets; the store keeps epoch milliseconds.
            let times = selected.columns.indices.filter {
                ["window_start", "window_end", "at", "first_seen", "last_seen"].contains(selected.columns[$0])
            }
            for row in selected.rows.indices {
                for column in times {
                    if let text = selected.rows[row].values[column], let millis = Int64(text) {
                        selected.rows[row].values[column] = Timestamp.format(millis)
                    }
                }
            }
        }
        print(selected)
    }

    /// Prints `selected` in `format`: json prints each row's record.
    func print(_ selected: StoreRows) {
        var out = ""
        switch format {
        case .json:
            for row in selected.rows { out += row.record + "\n" }
        case .csv:
            out += selected.columns.joined(separator: ",") + "\n"
            for row in selected.rows { out += row.values.map { Self.csvField($0 ?? "") }.joined(separator: ",") + "\n" }
        case .table:
            let cells = [selected.columns] + selected.rows.map { $0.values.map { $0 ?? "-" } }
            let widths = selected.columns.indices.map { column in cells.map { $0[column].count }.max() ?? 0 }
            for line in cells {
                out +=
                    zip(line, widths).map { $0.0.padding(toLength: $0.1, withPad: " ", startingAt: 0) }
                    .joined(separator: "  ") + "\n"
            }
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }

    private static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// `driftline query windows`.
struct QueryWindowsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "windows", abstract: "Window results: the latest revision of each window, by window start.")

    @OptionGroup var options: QueryOptions
    @Flag(help: "Every revision of each window, not only the latest.")
    var allRevisions = false
    @Option(
        help: "raw (the engine's windows), or hour or day (rollups merged from the windows' counts).",
        transform: { text in
            guard let resolution = StoreQuery.Resolution(rawValue: text) else {
                throw ValidationError("--resolution: '\(text)' is not one of raw, hour, day")
            }
            return resolution
        })
    var resolution = StoreQuery.Resolution.raw

    func run() throws {
        guard !(allRevisions && resolution != .raw) else {
            throw ValidationError("--all-revisions applies to raw windows only; a rollup has one revision")
        }
        var query = try options.query(.windows)
        query.allRevisions = allRevisions
        query.resolution = resolution
        try options.run(query)
    }
}

/// `driftline query compare`.
struct QueryCompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Two versions over one period, or one version over a period and the one before, side by side.",
        discussion: """
            Each side merges the counts of its windows into one result (PSI from merged bin counts, accuracy \
            from merged confusion counts, percentiles from merged latency buckets), for the key --segment \
            gives (default: the whole model). Examples:
              driftline query compare --store h.db --model weld-defect-cls --versions 3.1.0,3.2.0 \\
                --from 2026-11-01T00:00:00Z --to 2026-11-08T00:00:00Z
              driftline query compare --store h.db --model weld-defect-cls --version 3.2.0 \\
                --against previous --from 2026-11-08T00:00:00Z --to 2026-11-15T00:00:00Z --resolution hour
            """)

    @OptionGroup var options: QueryOptions
    @Option(help: "Two versions to compare over the same period, e.g. 3.1.0,3.2.0.")
    var versions: String?
    @Option(help: "previous: --version over [--from, --to) against the period of the same length before it.")
    var against: String?
    @Option(help: "raw (the windows), hour or day (their rollups: for periods older than the raw retention).")
    var resolution: String = "raw"
    @Option(help: "Only this metric (repeatable), e.g. psi.current_a, accuracy.gap_pp, latency_ms.p99.")
    var metric: [String] = []

    func run() throws {
        guard let model = options.model else { throw ValidationError("--model: compare needs the model") }
        guard options.feature == nil else {
            throw ValidationError("--feature does not apply to compare; choose metrics with --metric psi.FEATURE")
        }
        guard let resolution = StoreQuery.Resolution(rawValue: resolution) else {
            throw ValidationError("--resolution: '\(self.resolution)' is not one of raw, hour, day")
        }
        let query = try options.query(.windows)
        guard let from = query.from, let to = query.to else {
            throw ValidationError("--from and --to: compare needs the period, e.g. --from -14d --to -7d")
        }
        let left: (version: String, from: Int64, to: Int64)
        let right: (version: String, from: Int64, to: Int64)
        switch (versions, against) {
        case (let versions?, nil):
            let pair = versions.split(separator: ",").map(String.init)
            guard pair.count == 2, options.version == nil else {
                throw ValidationError("--versions: give two versions, e.g. 3.1.0,3.2.0 (and no --version)")
            }
            left = (pair[0], from, to)
            right = (pair[1], from, to)
        case (nil, "previous"):
            guard let version = options.version else {
                throw ValidationError("--against previous compares one --version over two periods: give --version")
            }
            left = (version, from - (to - from), from)
            right = (version, from, to)
        case (nil, let against?):
            throw ValidationError("--against: '\(against)' is not 'previous'")
        default:
            throw ValidationError("compare needs either --versions A,B or --version V --against previous")
        }
        let comparison: Comparison
        do {
            comparison = try options.openStore().compare(
                model: model, segment: try options.segmentValues(), left: left, right: right, resolution: resolution,
                metrics: metric)
        } catch let error as StoreError where error.code == .unknownMetric {
            throw ValidationError("--metric: \(error.message)")
        }
        if options.format == .json {
            let encoder = JSONEncoder.contractRecords()
            FileHandle.standardOutput.write(try encoder.encode(comparison) + Data("\n".utf8))
        } else {
            options.print(comparison.table)
        }
    }
}

/// `driftline query alerts`.
struct QueryAlertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts", abstract: "Alert transitions (firing and resolved), by window start.")

    @OptionGroup var options: QueryOptions
    func run() throws {
        try options.run(try options.query(.alerts))
    }
}

/// `driftline query triggers`.
struct QueryTriggersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "triggers", abstract: "Retraining triggers, by window start.")

    @OptionGroup var options: QueryOptions

    func run() throws {
        guard options.segment.isEmpty, options.feature == nil else {
            throw ValidationError(
                "--segment and --feature do not apply to triggers (a trigger covers a model version; "
                    + "its reasons are in the json records)")
        }
        try options.run(try options.query(.triggers))
    }
}

/// `driftline query models`.
struct QueryModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "The baselines in use: model, version, task, offline accuracy, first and last seen.")

    @OptionGroup var options: QueryOptions

    func run() throws {
        guard options.segment.isEmpty, options.feature == nil, options.from == nil, options.to == nil else {
            throw ValidationError("--segment, --feature, --from and --to do not apply to models")
        }
        try options.run(try options.query(.models))
    }
}
