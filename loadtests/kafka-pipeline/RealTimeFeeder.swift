import ArgumentParser
import DriftlineKafka
import DriftlineTestSupport
import Foundation

/// Sends a scenario's events into Kafka as the wall clock reaches their event times, recording
/// when the first event at or after each window end was handed to the producer.
enum RealTimeFeeder {
    /// What a feed sent.
    struct Fed: Sendable {
        var records = 0
        /// Window end (epoch ms) → wall-clock send time (epoch ms) of the first event at or after it.
        var boundarySendMs: [Int64: Double] = [:]
        /// How far sending ever fell behind event time.
        var maxLagMs = 0.0
    }

    /// Plays `scenario` from two windows after now into the `telemetry` topic, latency spiking by
    /// `spike` in every other window of `windowMs`; checks every record was delivered.
    static func feed(
        scenario: TelemetryScenario, windowMs: Int64, spike: Double, seed: UInt64, producer: KafkaProducer
    ) throws -> Fed {
        defer { producer.close() }
        var timed = scenario
        timed.startMs = (Int64(Seconds.wallMs()) / windowMs + 2) * windowMs
        var feed = try AlternatingFeed(scenario: timed, windowMs: windowMs, multiplier: spike, seed: seed)
        var fed = Fed()
        var nextBoundary = timed.startMs + windowMs
        while let (timestampMs, line) = feed.next() {
            let wait = Double(timestampMs) - Seconds.wallMs()
            if wait > 0 { Thread.sleep(forTimeInterval: wait / 1000) }
            let sent = Seconds.wallMs()
            fed.maxLagMs = max(fed.maxLagMs, sent - Double(timestampMs))
            while timestampMs >= nextBoundary {
                fed.boundarySendMs[nextBoundary] = sent
                nextBoundary += windowMs
            }
            try producer.produce(topic: "telemetry", key: nil, value: line)
            fed.records += 1
        }
        guard producer.flush(timeout: .seconds(30)), producer.counters.delivered == fed.records else {
            throw ValidationError("FAILED: \(producer.counters.delivered) of \(fed.records) records delivered")
        }
        return fed
    }
}
