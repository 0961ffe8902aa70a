import ArgumentParser
import DriftlineEngine
import DriftlineHTTP
import DriftlineStore
import Foundation
import Hummingbird
import Logging

/// `driftline serve --store PATH`: the history store's HTTP API without an engine, for an
/// analyst's machine.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the history store's HTTP API (/api/v1/windows, alerts, triggers, models) without an engine.")

    @Option(help: "The SQLite history store to serve (opened read-only).")
    var store: String
    @Option(help: "The address to listen on (loopback by default; 0.0.0.0 for every interface).")
    var host = EngineConfig().httpHost
    @Option(help: "The port to listen on.")
    var port = EngineConfig().httpPort
    @Option(help: "A file holding the bearer token every request must then carry (Authorization: Bearer <token>).")
    var tokenFile: String?

    func validate() throws {
        guard (1...65_535).contains(port) else { throw ValidationError("--port: \(port) is not from 1 to 65535") }
    }

    func run() async throws {
        let token = try tokenFile.map { path in
            do {
                return try SecretFile.read(path)
            } catch {
                throw ValidationError("--token-file: '\(path)' \(error)")
            }
        }
        let opened = try HistoryStore.forCommand(store)
        var logger = Logger(label: "driftline.http")
        logger.logLevel = .warning
        let address = APIServer.url(host: host, port: port)
        let app = APIServer.application(
            api: HistoryAPI(store: opened), host: host, port: port, token: token, logger: logger
        ) {
            FileHandle.standardOutput.write(Data("driftline serve: listening on \(address)/api/v1/\n".utf8))
        }
        // Until SIGTERM or SIGINT (runService's default signals), then a graceful shutdown.
        try await app.runService()
    }
}
