import ArgumentParser
import DriftlineCore
import DriftlineEngine
import DriftlineHTTP
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// `driftline run TOPOLOGY`: runs a topology until its sources end; with a history store, serves
/// the store's HTTP API meanwhile.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run a topology: read its sources, write results, alerts and dead letters.")

    @Argument(help: "The topology YAML file.")
    var topology: String
    @Option(help: "Engine settings (YAML, like configs/engine.yaml): where the HTTP API listens, the log level.")
    var config: String?

    func run() async throws {
        let loaded = try TopologyRunner.load(topology)
        let settings = try config.map(TopologyRunner.loadConfig) ?? EngineConfig()
        let pipeline = Pipeline(topology: loaded, baselines: try TopologyRunner.baselines(of: loaded, at: topology))
        guard let store = loaded.store else {
            TopologyRunner.report(try await Self.onThread(pipeline))
            return
        }
        var logger = Logger(label: "driftline.http")
        logger.logLevel = Logger.Level(rawValue: settings.logLevel.rawValue) ?? .info
        let address = APIServer.url(host: settings.httpHost, port: settings.httpPort)
        let app = APIServer.application(
            api: HistoryAPI(storePath: store.path), host: settings.httpHost, port: settings.httpPort, logger: logger
        ) {
            TopologyRunner.printError("driftline run: HTTP API on \(address)/api/v1/")
        }
        let group = ServiceGroup(services: [app], logger: logger)
        let serving = Task {
            do {
                try await group.run()
            } catch {
                // No API (the port is taken, say): the run stops rather than go on unseen.
                TopologyRunner.printError("driftline run: the HTTP API stopped: \(error)")
                pipeline.stop()
                throw error
            }
        }
        let summary: RunSummary
        do {
            summary = try await Self.onThread(pipeline)
        } catch {
            await group.triggerGracefulShutdown()
            _ = await serving.result
            throw error
        }
        await group.triggerGracefulShutdown()
        TopologyRunner.report(summary)
        try await serving.value
    }

    /// Runs `pipeline` on a thread of its own (it blocks until its sources end), off the
    /// cooperative pool the HTTP server runs on.
    static func onThread(_ pipeline: Pipeline) async throws -> RunSummary {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try pipeline.run() })
            }
            thread.name = "driftline-pipeline"
            thread.start()
        }
    }
}
