import ArgumentParser
import DriftlineKafka
import Foundation

/// `driftline dev-kafka`: a Kafka-protocol cluster for development, with no Kafka installed.
struct DevKafkaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev-kafka",
        abstract: "Run librdkafka's mock Kafka cluster on loopback until stopped (Ctrl-C).",
        discussion: """
            Prints the bootstrap address on one line, then serves until SIGINT or SIGTERM. The mock \
            keeps only about 5 MiB per partition and drops older records silently: use enough \
            partitions for the data you keep, and check record counts end to end.
            """)

    @Option(help: "Number of brokers.")
    var brokers = 3
    @Option(help: "Topics to create, as name:partitions, comma-separated, e.g. t1:6,t2:3.")
    var topics = ""

    func validate() throws {
        guard brokers > 0 else { throw ValidationError("--brokers must be at least 1") }
        _ = try parsedTopics()
    }

    func run() throws {
        let cluster = try MockKafkaCluster(brokers: brokers)
        for (name, partitions) in try parsedTopics() {
            try cluster.createTopic(name, partitions: partitions)
        }
        // Unbuffered, so a script reading the first line gets it at once.
        FileHandle.standardOutput.write(Data((cluster.bootstrapServers + "\n").utf8))
        Self.waitForTermination()
        cluster.destroy()
    }

    private func parsedTopics() throws -> [(String, Int)] {
        try topics.split(separator: ",").map { entry in
            let parts = entry.split(separator: ":")
            guard parts.count == 2, let partitions = Int(parts[1]), partitions > 0, !parts[0].isEmpty else {
                throw ValidationError("--topics: '\(entry)' is not name:partitions (e.g. t1:6)")
            }
            return (String(parts[0]), partitions)
        }
    }

    /// Blocks until SIGINT or SIGTERM arrives.
    private static func waitForTermination() {
        let stopped = DispatchSemaphore(value: 0)
        let sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stopped.signal() }
            source.resume()
            return source
        }
        stopped.wait()
        sources.forEach { $0.cancel() }
    }
}
