import ArgumentParser
import DriftlineCore
import DriftlineEngine

/// `driftline validate TOPOLOGY`: refuses a bad topology with file, line and reason.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Check a topology file and the baselines it names, without running it.")

    @Argument(help: "The topology YAML file.")
    var topology: String

    func run() throws {
        let loaded = try TopologyRunner.load(topology)
        let baselines = try TopologyRunner.baselines(of: loaded, at: topology)
        _ = try DriftProcessor(settings: loaded.processorSettings, symbols: SymbolTable(), baselines: baselines)
        print(
            "\(topology): ok — \(loaded.sources.count) source(s), \(loaded.keys.count) key set(s), "
                + "\(loaded.rules.count) rule(s), \(baselines.count) baseline(s)")
    }
}
