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

    /// A query of `kind` with these filters (checked where the HTTP API checks its parameters).
    func query(
        _ kind: StoreQuery.Kind, allRevisions: Bool = false, now: Int64 = Int64(Date().timeIntervalSince1970 * 1000)
    ) throws -> StoreQuery {
        var filters = QueryFilters()
        filters.model = model
        filters.version = version
        filters.segment = segment
        filters.feature = feature
        filters.from = from
        filters.to = to
        filters.allRevisions = allRevisions
        do {
            return try filters.query(kind, now: now, spelling: .option)
        } catch {
            throw ValidationError(error.message)
        }
    }

    /// Opens the store read-only and prints what `query` selects.
    func run(_ query: StoreQuery) throws {
        let store: HistoryStore
        do {
            store = try HistoryStore(path: self.store, readOnly: true)
        } catch let error as StoreError where error.code == .missing {
            throw ValidationError("--store: no history store at '\(self.store)'")
        }
        let rows = try store.rows(query)
        let selected = format == .json ? rows : rows.timesAsRFC3339()
        var out = ""
        switch format {
        case .json:
            for row in selected.rows { out += row.record + "\n" }
        case .csv:
            out += selected.csv()
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
}

/// `driftline query windows`.
struct QueryWindowsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "windows", abstract: "Window results: the latest revision of each window, by window start.")

    @OptionGroup var options: QueryOptions
    @Flag(help: "Every revision of each window, not only the latest.")
    var allRevisions = false

    func run() throws {
        try options.run(try options.query(.windows, allRevisions: allRevisions))
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
