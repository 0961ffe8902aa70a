import ArgumentParser
import DriftlineCore
import DriftlineDelivery
import DriftlineEngine
import DriftlineHTTP
import DriftlineStore
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// `driftline run TOPOLOGY`: runs a topology until its sources end; with a history store, serves
/// the store's HTTP API meanwhile, and delivers alerts to the topology's Alertmanager and webhook
/// sinks from the store's outbox.
struct RunCommand: AsyncParsableCommand {
    /// How long deliveries may go on after the sources end; what is still queued then is delivered
    /// by the next run.
    static let drainMs: Int64 = 10_000

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
        let signals = ShutdownSignals(timeoutMs: settings.shutdownTimeoutMs) { pipeline.stop() }
        defer { withExtendedLifetime(signals) {} }
        guard let store = loaded.store else {
            TopologyRunner.report(try await Self.onThread(pipeline))
            return
        }
        var logger = Logger(label: "driftline.http")
        logger.logLevel = Logger.Level(rawValue: settings.logLevel.rawValue) ?? .info
        let address = APIServer.url(host: settings.httpHost, port: settings.httpPort)
        let app = APIServer.application(
            api: HistoryAPI(storePath: store.path), host: settings.httpHost, port: settings.httpPort,
            token: settings.httpToken, logger: logger
        ) {
            TopologyRunner.printError("driftline run: HTTP API on \(address)/api/v1/")
        }
        let deliveries = try Self.deliveryWorkers(loaded, store: store, logLevel: logger.logLevel)
        let delivering = Task {
            await withTaskGroup(of: Void.self) { group in
                for worker in deliveries { group.addTask { await worker.run() } }
            }
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
            delivering.cancel()
            await group.triggerGracefulShutdown()
            _ = await serving.result
            throw error
        }
        // Stopped by a signal, deliveries get half the shutdown timeout; the rest stays queued.
        let drainMs = signals.stopRequested ? min(Self.drainMs, settings.shutdownTimeoutMs / 2) : Self.drainMs
        for worker in deliveries { worker.finish(withinMs: drainMs) }
        await delivering.value
        await group.triggerGracefulShutdown()
        TopologyRunner.report(summary)
        for worker in deliveries {
            let counts = try await worker.counts()
            TopologyRunner.printError(
                "delivery to \(worker.target.name): \(counts.delivered) delivered, \(counts.pending) pending"
                    + (counts.pending > 0 ? " (queued for the next run)" : "")
                    + ", \(worker.failedAttempts) failed attempts this run")
        }
        try await serving.value
    }

    /// A delivery worker for each Alertmanager and webhook sink of `topology`, on the outbox of its
    /// store (opened, and migrated, before the pipeline opens it).
    static func deliveryWorkers(
        _ topology: Topology, store: Topology.StoreSpec, logLevel: Logger.Level
    ) throws -> [DeliveryWorker] {
        let targets = topology.sinks.deliveryTargets
        guard !targets.isEmpty else { return [] }
        let outbox = try HistoryStore(path: store.path, retention: store.retention)
        var logger = Logger(label: "driftline.delivery")
        logger.logLevel = logLevel
        return targets.map { DeliveryWorker(target: $0, store: outbox, logger: logger) }
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
