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
        @Option(
            help: """
                What the model predicts: classification or regression. Default: from the test set \
                (integers, text and booleans are class labels; a number with a fraction or an \
                exponent makes a regressor).
                """,
            transform: Build.task)
        var task: ModelTask?

        static func binningMethod(_ text: String) throws -> Baseline.Binning.Method {
            guard let method = Baseline.Binning.Method(rawValue: text) else {
                throw ValidationError("--binning: '\(text)' is not one of quantile, equal_width")
            }
            return method
        }

        static func task(_ text: String) throws -> ModelTask {
            guard let task = ModelTask(rawValue: text) else {
                throw ValidationError("--task: '\(text)' is not one of classification, regression")
            }
            return task
        }

        func run() throws {
            let baseline = try BaselineFiles.build(
                model: model, version: version, reference: URL(fileURLWithPath: reference),
                test: test.map { URL(fileURLWithPath: $0) }, binCount: bins, binning: binning,
                latencyBudgetMs: latencyBudgetMs, task: task)
            try BaselineFiles.save(baseline, to: URL(fileURLWithPath: out))
            print(
                "\(out): \(model) \(version) — \(baseline.features.count) features from "
                    + "\(baseline.createdFrom.referenceRows) reference rows")
            switch (baseline.task, baseline.offline) {
            case (let task?, let offline?):
                print("\(task.rawValue): \(baseline.taskBasis ?? "")")
                if let accuracy = offline.accuracy {
                    print("offline accuracy \(accuracy)")
                } else if let regression = offline.regression {
                    print("offline MAE \(regression.mae), RMSE \(regression.rmse)")
                }
            case (let task?, nil):
                print("\(task.rawValue) (task given); no test set, so no offline metrics")
            case (nil, _):
                print(
                    "no test set and no --task: the task is not recorded, and the engine takes it from the first prediction"
                )
            }
        }
    }
}
