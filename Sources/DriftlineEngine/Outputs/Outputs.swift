import DriftlineConnectors
import DriftlineCore
import DriftlineStore
import Foundation

/// The four output streams of a topology (window results, alerts, retraining triggers, dead
/// letters): encodes each record as the contract's JSON and hands it, keyed by its deterministic
/// id, to the sinks its topology names. Targets named twice share one sink. With a history store,
/// results, alerts and triggers also go to the store, as the same bytes, with the windows' counts
/// when the processor keeps them (the store rolls them up into hours and days). Alerts and triggers
/// for HTTP delivery targets (Alertmanager, webhooks) are not written here: the store queues them in
/// its outbox, in the same transaction, for the delivery workers.
final class Outputs {
    /// Writes the history store on its own thread, when the topology keeps one.
    private let store: StoreWriter?
    private let results: any OutputSink
    private let alerts: [any OutputSink]
    private let retrain: [any OutputSink]
    private let deadLetters: any OutputSink
    private let all: [any OutputSink]
    private let encoder = ContractEncoder()
    private(set) var counts = (results: 0, alerts: 0, triggers: 0, deadLetters: 0)
    /// How many store transactions were written again because the file could not take them.
    var storeRetries: Int { store?.retries ?? 0 }
    /// The baselines in use: a store batch carrying windows of one of them also moves its `last_seen`.
    private var baselines: [Baseline] = []

    /// Opens the sinks of `specs`; `make` builds a sink for a target the first time it is named
    /// (never for a delivery target, which the store's outbox serves).
    init(
        _ specs: Topology.SinkSpecs, store: StoreWriter? = nil, make: (Topology.SinkTarget) throws -> any OutputSink
    ) throws {
        self.store = store
        var opened: [(Topology.SinkTarget, any OutputSink)] = []
        func sink(_ target: Topology.SinkTarget) throws -> any OutputSink {
            if let existing = opened.first(where: { $0.0 == target }) { return existing.1 }
            let made = try make(target)
            opened.append((target, made))
            return made
        }
        results = try sink(specs.results)
        alerts = try specs.alerts.filter { $0.delivery == nil }.map(sink)
        retrain = try specs.retrain.filter { $0.delivery == nil }.map(sink)
        deadLetters = try sink(specs.deadLetter)
        all = opened.map(\.1)
    }

    func write(_ output: ProcessorOutput) throws {
        var batch = StoreBatch()
        for (index, result) in output.results.enumerated() {
            let record = try encoder.encode(result)
            try results.write(record, key: Self.key(of: result))
            if result.segment.isEmpty { try results.writeStatus(record, model: result.model, version: result.version) }
            if store != nil {
                let counts = index < output.counts.count ? output.counts[index] : nil
                batch.results.append(StoreBatch.Entry(result, record: record, counts: counts))
            }
        }
        for alert in output.alerts {
            let record = try encoder.encode(alert)
            for sink in alerts { try sink.write(record, key: alert.alertID) }
            if store != nil { batch.alerts.append(StoreBatch.Entry(alert, record: record)) }
        }
        for trigger in output.triggers {
            let record = try encoder.encode(trigger)
            for sink in retrain { try sink.write(record, key: trigger.triggerID) }
            if store != nil { batch.triggers.append(StoreBatch.Entry(trigger, record: record)) }
        }
        if store != nil && !batch.results.isEmpty { batch.baselines = seen(in: output.results) }
        batch.ruleStates = output.ruleStates
        batch.judgedThrough = output.judgedThrough
        // Waits while the store's queue is full: a slow disk slows the engine, never loses records.
        try store?.write(batch)
        counts.results += output.results.count
        counts.alerts += output.alerts.count
        counts.triggers += output.triggers.count
    }

    func write(_ letter: DeadLetter) throws {
        try deadLetters.write(try encoder.encode(letter), key: "\(letter.source)/\(letter.position)")
        counts.deadLetters += 1
    }

    func flush() throws {
        for sink in all { try sink.flush() }
    }

    /// Records the baselines in use, seen at processing time `now`; later batches of their windows
    /// record them seen again.
    func recordBaselines(_ baselines: [Baseline], now: Int64) throws {
        self.baselines = baselines
        var batch = StoreBatch()
        batch.baselines = baselines.map { BaselineUse($0, seenAt: now) }
        try store?.write(batch)
    }

    /// The baselines of the versions `results` belong to, seen now: one upsert per version and
    /// batch keeps `last_seen` current during a long run, not only when it starts and ends.
    private func seen(in results: [WindowResult]) -> [BaselineUse] {
        guard !baselines.isEmpty else { return [] }
        var found: [Int] = []
        var last: (model: String, version: String)?
        for result in results {
            if let last, last.model == result.model && last.version == result.version { continue }
            last = (result.model, result.version)
            if let index = baselines.firstIndex(where: { $0.model == result.model && $0.version == result.version }),
                !found.contains(index)
            {
                found.append(index)
            }
        }
        guard !found.isEmpty else { return [] }
        let now = Pipeline.now()
        return found.map { BaselineUse(baselines[$0], seenAt: now) }
    }

    /// Makes everything written so far durable: the store first, then the sinks.
    func sync() throws {
        try store?.sync()
        for sink in all { try sink.sync() }
    }

    /// Writes what the store still holds and stops its thread.
    func closeStore() throws {
        try store?.close()
    }

    deinit {
        // After a failed run: what was handed over is still written, then the thread ends.
        try? store?.close()
    }

    /// `model/version/segment/window-start`: every revision of one window has the same key, so a
    /// compacted topic keeps the latest.
    static func key(of result: WindowResult) -> String {
        "\(result.model)/\(result.version)/\(result.segmentID)/\(Timestamp.format(result.start))"
    }
}
