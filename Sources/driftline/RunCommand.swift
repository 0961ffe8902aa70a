import ArgumentParser
import DriftlineEngine

/// `driftline run TOPOLOGY`: runs a topology until its sources end.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run a topology: read its sources, write results, alerts and dead letters.")

    @Argument(help: "The topology YAML file.")
    var topology: String

    func run() throws {
        let loaded = try TopologyRunner.load(topology)
        let summary = try Pipeline(topology: loaded, baselines: BaselineCatalog.load(paths: loaded.baselinePaths)).run()
        TopologyRunner.report(summary)
    }
}
