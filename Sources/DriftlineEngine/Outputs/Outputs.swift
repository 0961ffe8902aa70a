import DriftlineConnectors
import DriftlineCore
import Foundation

/// The four output streams of a topology (window results, alerts, retraining triggers, dead
/// letters): encodes each record as the contract's JSON and hands it, keyed by its deterministic
/// id, to the sink its topology names. Targets named twice share one sink.
final class Outputs {
    private let results: any OutputSink
    private let alerts: any OutputSink
    private let retrain: any OutputSink
    private let deadLetters: any OutputSink
    private let all: [any OutputSink]
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
    private(set) var counts = (results: 0, alerts: 0, triggers: 0, deadLetters: 0)

    /// Opens the sinks of `specs`; `make` builds a sink for a target the first time it is named.
    init(_ specs: Topology.SinkSpecs, make: (Topology.SinkTarget) throws -> any OutputSink) throws {
        var opened: [(Topology.SinkTarget, any OutputSink)] = []
        func sink(_ target: Topology.SinkTarget) throws -> any OutputSink {
            if let existing = opened.first(where: { $0.0 == target }) { return existing.1 }
            let made = try make(target)
            opened.append((target, made))
            return made
        }
        results = try sink(specs.results)
        alerts = try sink(specs.alerts)
        retrain = try sink(specs.retrain)
        deadLetters = try sink(specs.deadLetter)
        all = opened.map(\.1)
    }

    func write(_ output: ProcessorOutput) throws {
        for result in output.results {
            let record = try encoder.encode(result).asBytes
            try results.write(record, key: Self.key(of: result))
            if result.segment.isEmpty { try results.writeStatus(record, model: result.model, version: result.version) }
        }
        for alert in output.alerts { try alerts.write(try encoder.encode(alert).asBytes, key: alert.alertID) }
        for trigger in output.triggers {
            try retrain.write(try encoder.encode(trigger).asBytes, key: trigger.triggerID)
        }
        counts.results += output.results.count
        counts.alerts += output.alerts.count
        counts.triggers += output.triggers.count
    }

    func write(_ letter: DeadLetter) throws {
        try deadLetters.write(try encoder.encode(letter).asBytes, key: "\(letter.source)/\(letter.position)")
        counts.deadLetters += 1
    }

    func flush() throws {
        for sink in all { try sink.flush() }
    }

    func sync() throws {
        for sink in all { try sink.sync() }
    }

    /// `model/version/segment/window-start`: every revision of one window has the same key, so a
    /// compacted topic keeps the latest.
    static func key(of result: WindowResult) -> String {
        "\(result.model)/\(result.version)/\(result.segmentID)/\(Timestamp.format(result.start))"
    }
}

extension Data {
    fileprivate var asBytes: [UInt8] { [UInt8](self) }
}
