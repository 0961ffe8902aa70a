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

    /// These filters, as the HTTP API's parameters are checked.
    var filters: QueryFilters {
        var filters = QueryFilters()
        filters.model = model
        filters.version = version
        filters.segment = segment
        filters.feature = feature
        filters.from = from
        filters.to = to
        return filters
    }

    /// A query of `kind` with these filters.
    func query(
        _ kind: StoreQuery.Kind, allRevisions: Bool = false, resolution: String? = nil,
        now: Int64 = Int64(Date().timeIntervalSince1970 * 1000)
    ) throws -> StoreQuery {
        var filters = filters
        filters.allRevisions = allRevisions
        filters.resolution = resolution
        do {
            return try filters.query(kind, now: now, spelling: .option)
        } catch {
            throw ValidationError(error.message)
        }
    }

    /// The store, opened read-only.
    func openStore() throws -> HistoryStore {
        try HistoryStore.forCommand(store)
    }

    /// Opens the store read-only and prints what `query` selects.
    func run(_ query: StoreQuery) throws {
        let rows = try openStore().rows(query)
        print(format == .json ? rows : rows.timesAsRFC3339())
    }

    /// Prints `selected` in `format`: json prints each row's record.
    func print(_ selected: StoreRows) {
        var out = ""
        switch format {
        case .json:
            for row in selected.rows { out += row.record + "\n" }
        case .csv:
            out += selected.csv()
        case .table:
            out += selected.table()
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}

/// `driftline query windows`.
struct QueryWindowsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "windows", abstract: "Window results: the latest revision of each window, by window start.")

    @OptionGroup var options: QueryOptions
    @Flag(help: "Every revision of each window, not only the latest.")
    var allRevisions = false
    @Option(help: "raw (the engine's windows), or hour or day (rollups merged from the windows' counts).")
    var resolution: String?

    func run() throws {
        try options.run(try options.query(.windows, allRevisions: allRevisions, resolution: resolution))
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
    var resolution: String?
    @Option(help: "Only this metric (repeatable), e.g. psi.current_a, accuracy.gap_pp, latency_ms.p99.")
    var metric: [String] = []

    func run() throws {
        var filters = options.filters
        filters.resolution = resolution
        let comparison: Comparison
        do {
            let request = try filters.comparison(
                versions: versions, against: against, metrics: metric,
                now: Int64(Date().timeIntervalSince1970 * 1000), spelling: .option)
            comparison = try options.openStore().compare(request)
        } catch let error as QueryParameterError {
            throw ValidationError(error.message)
        }
        if options.format == .json {
            FileHandle.standardOutput.write(Data(try ContractEncoder().encode(comparison) + Array("\n".utf8)))
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
        try options.run(try options.query(.models))
    }
}

extension HistoryStore {
    /// The store at `path` (a command's `--store`), opened read-only; a missing file is a usage error.
    static func forCommand(_ path: String) throws -> HistoryStore {
        do {
            return try HistoryStore(path: path, readOnly: true)
        } catch let error as StoreError where error.code == .missing {
            throw ValidationError("--store: no history store at '\(path)'")
        }
    }
}
