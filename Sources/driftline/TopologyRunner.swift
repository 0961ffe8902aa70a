import ArgumentParser
import DriftlineCore
import DriftlineEngine
import Foundation

/// What the subcommands share: loading a topology with readable errors, the processor settings it
/// implies, and the end-of-run report.
enum TopologyRunner {
    /// Loads a topology; on failure prints every error in `file:line:column: error: …` form and exits 1.
    static func load(_ path: String) throws -> Topology {
        do {
            return try TopologyLoader.load(path: path)
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
    }

    /// Loads the baselines `topology` (read from `path`) names and checks its rules against them;
    /// on a mistake prints every one like `load` and exits 1.
    static func baselines(of topology: Topology, at path: String) throws -> [Baseline] {
        let baselines = try BaselineCatalog.load(paths: topology.baselinePaths)
        let mistakes = topology.ruleMistakes(against: baselines, file: path)
        guard mistakes.isEmpty else {
            printError("\(TopologyError(diagnostics: mistakes))")
            throw ExitCode(1)
        }
        return baselines
    }

    /// Loads engine settings; on failure prints every error like `load` and exits 1.
    static func loadConfig(_ path: String) throws -> EngineConfig {
        do {
            return try EngineConfig.load(path: path)
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
    }

    static func report(_ summary: RunSummary) {
        printError(summary.report)
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
