import ArgumentParser
import DriftlineTestSupport
import Foundation

/// MQTT QoS 1 ingest against the broker's own relay ceiling, in one run on one machine.
@main
struct LoadMQTT: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "driftline-load-mqtt",
        abstract: "Measures MQTT QoS 1 ingest through MQTTSource against what mosquitto relays to its own client.",
        discussion: """
            Starts a private mosquitto (raised in-flight and queue limits, persistence on) and, in each round, \
            publishes the same N contract-shaped events with concurrent `mosquitto_pub -q 1 -l` to (a) `mosquitto_sub -q 1 \
            -C N` and (b) an `MQTTSource` drained from its queue, both with persistent sessions set up before the \
            publisher starts. Every payload is checked off on arrival; a missing, unknown or duplicate one fails \
            the run. Prints both rates and the ratio b/a.
            """)

    @Option(help: "Messages per path and round.")
    var messages = 200_000

    @Option(help: "Rounds of (a) and (b), alternating which goes first; medians are printed at the end.")
    var rounds = 1

    @Option(help: "Seed of the generated events.")
    var seed: UInt64 = 42

    @Option(help: "Concurrent mosquitto_pub processes sharing the messages (each publishes at most 65535).")
    var publishers = 4

    @Option(help: "QoS 1 messages each mosquitto_pub keeps in flight (its -M).")
    var publisherInflight = 1000

    @Option(help: "MQTTSource batchRecords.")
    var batchRecords = 1024

    @Option(help: "MQTTSource flushInterval in milliseconds.")
    var flushMilliseconds = 5

    @Flag(help: "Decode every payload with the engine's EventDecoder in the drain (the engine's first step).")
    var decode = false

    @Option(help: "Seconds one path may take before the run fails.")
    var timeout = 120

    mutating func validate() throws {
        guard messages > 0, rounds > 0, publisherInflight > 0, batchRecords > 0, flushMilliseconds > 0, timeout > 0
        else { throw ValidationError("every count, size and time must be positive") }
        let most = PayloadSet.linesPerPublisherMaximum
        guard publishers > 0, (messages + publishers - 1) / publishers <= most else {
            throw ValidationError(
                "each mosquitto_pub publishes at most \(most) messages: use at least \((messages + most - 1) / most) publishers"
            )
        }
    }

    func run() throws {
        let broker = try MosquittoBroker()
        let payloads = try PayloadSet(
            count: messages, seed: seed, parts: publishers, directory: broker.directory)
        print(
            "mosquitto on port \(broker.port); \(payloads.count) messages of \(payloads.meanBytes) B on average; "
                + "\(publishers) × mosquitto_pub -q 1 -l -M \(publisherInflight); source batch \(batchRecords), "
                + "flush \(flushMilliseconds) ms\(decode ? ", decoded" : "")")
        let relay = Relay(
            broker: broker, payloads: payloads, publisherInflight: publisherInflight, timeout: .seconds(timeout))
        var ceilings: [Double] = []
        var ingests: [Double] = []
        var ceilingCPU: [Double] = []
        var ingestCPU: [Double] = []
        for round in 1...rounds {
            // Odd rounds measure (a) first, even rounds (b) first, so neither path always follows the other.
            let first = round % 2 == 1 ? try relay.brokerCeiling(round: round) : nil
            let ingest = try relay.sourceIngest(
                round: round, batchRecords: batchRecords, flushInterval: .milliseconds(flushMilliseconds),
                decode: decode)
            let ceiling = try first ?? relay.brokerCeiling(round: round)
            ceilings.append(ceiling.rate)
            ingests.append(ingest.rate)
            ceilingCPU.append(ceiling.clientMicrosecondsPerMessage)
            ingestCPU.append(ingest.clientMicrosecondsPerMessage)
            print(
                "round \(round): (a) mosquitto_sub \(Self.format(ceiling)); (b) MQTTSource \(Self.format(ingest)); "
                    + "b/a \(String(format: "%.3f", ingest.rate / ceiling.rate))")
        }
        let ratios = zip(ingests, ceilings).map { $0 / $1 }
        print(
            "median of \(rounds): (a) \(Self.rate(Self.median(ceilings))) msgs/s, (b) \(Self.rate(Self.median(ingests))) "
                + "msgs/s, b/a \(String(format: "%.3f", Self.median(ratios))) (target >= 0.8); client CPU (a) "
                + "\(String(format: "%.1f", Self.median(ceilingCPU))) µs/msg, (b) "
                + "\(String(format: "%.1f", Self.median(ingestCPU))) µs/msg; all \(messages) payloads verified on "
                + "both paths in every round")
    }

    private static func format(_ measurement: Measurement) -> String {
        "\(measurement.messages) in \(String(format: "%.3f", measurement.seconds)) s = \(rate(measurement.rate)) msgs/s, "
            + "client CPU \(String(format: "%.1f", measurement.clientMicrosecondsPerMessage)) µs/msg"
    }

    private static func rate(_ value: Double) -> String { String(format: "%.0f", value) }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
