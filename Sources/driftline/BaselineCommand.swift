import ArgumentParser
import DriftlineConnectors
import DriftlineCore
import Foundation

/// `driftline baseline …`: offline baselines per model version.
struct BaselineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline", abstract: "Build offline baselines.", subcommands: [Build.self])

    /// `driftline baseline build`: a baseline profile from reference data and a labelled test set.
    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build a baseline (bin edges, expected proportions, offline metrics) from reference data.")

        @Option(help: "Model name.")
        var model: String
        @Option(help: "Model version.")
        var version: String
        @Option(help: "Reference data (training inputs): NDJSON or CSV.")
        var reference: String
        @Option(help: "Labelled held-out test set with predictions: NDJSON or CSV.")
        var test: String?
        @Option(help: "Where to write the baseline JSON.")
        var out: String
        @Option(help: "Bins per numeric feature.")
        var bins = 10
        @Option(help: "Numeric binning: quantile or equal_width.", transform: Build.binningMethod)
        var binning: Baseline.Binning.Method = .quantile
        @Option(help: "The single-inference latency budget in milliseconds.")
        var latencyBudgetMs: Double = 100

        static func binningMethod(_ text: String) throws -> Baseline.Binning.Method {
            guard let method = Baseline.Binning.Method(rawValue: text) else {
                throw ValidationError("--binning: '\(text)' is not one of quantile, equal_width")
            }
            return method
        }

        func run() throws {
            let baseline = try BaselineFiles.build(
                model: model, version: version, reference: URL(fileURLWithPath: reference),
                test: test.map { URL(fileURLWithPath: $0) }, binCount: bins, binning: binning,
                latencyBudgetMs: latencyBudgetMs)
            try BaselineFiles.save(baseline, to: URL(fileURLWithPath: out))
            print(
                "\(out): \(model) \(version) — \(baseline.features.count) features from "
                    + "\(baseline.createdFrom.referenceRows) reference rows, "
                    + "offline accuracy \(baseline.offline?.accuracy.map { String($0) } ?? "n/a")")
        }
    }
}
