#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import DriftlineCore
import DriftlineConnectors

/// Runs a topology over its file and standard-input sources: decode, process, write results,
/// alerts, retraining triggers and dead letters.
///
/// Sources are read in turns, a batch of lines each, so that every source's event time moves
/// forward together; each source is one input partition of the watermark. When every source has
/// ended, every open window is closed and emitted.
public final class Pipeline {
    /// Lines read from one source before the next source's turn.
    public static let batchLines = 4096

    private let topology: Topology
    private let symbols = SymbolTable()
    private let processor: DriftProcessor
    private var event: Event
    private let results: RecordWriter
    private let alerts: RecordWriter
    private let retrain: RecordWriter
    private let deadLetters: RecordWriter
    private var summary = RunSummary()

    /// Prepares to run `topology` with its baselines; opens every sink.
    public init(topology: Topology, baselines: [Baseline]) throws {
        self.topology = topology
        processor = try DriftProcessor(settings: topology.processorSettings, symbols: symbols, baselines: baselines)
        event = Event(segmentDimensions: topology.segmentDimensions.count)
        var opened: [String: RecordWriter] = [:]
        func writer(_ target: Topology.SinkTarget) throws -> RecordWriter {
            switch target {
            case .stdout:
                if let existing = opened["-"] { return existing }
                let stdout = RecordWriter()
                opened["-"] = stdout
                return stdout
            case .file(let path):
                if let existing = opened[path] { return existing }
                let file = try RecordWriter(path: path)
                opened[path] = file
                return file
            case .kafka, .mqtt:
                throw ConnectorError(.cannotOpen, "Kafka and MQTT sinks are not wired into this pipeline yet")
            }
        }
        results = try writer(topology.sinks.results)
        alerts = try writer(topology.sinks.alerts)
        retrain = try writer(topology.sinks.retrain)
        deadLetters = try writer(topology.sinks.deadLetter)
    }

    /// Reads every source to its end and writes every output; returns what happened.
    public func run() throws -> RunSummary {
        var readers: [(partition: Int, spec: Topology.SourceSpec, reader: LineReader, decoder: EventDecoder)] = []
        let start = Self.now()
        for (partition, spec) in topology.sources.enumerated() {
            let reader: LineReader
            switch spec.transport {
            case .file(let path): reader = try LineReader(path: path)
            case .stdin: reader = LineReader(standardInputWithChunkSize: 1 << 20)
            case .kafka, .mqtt:
                throw ConnectorError(.cannotOpen, "Kafka and MQTT sources are not wired into this pipeline yet")
            }
            var mapping = spec.mapping
            mapping.fixedKind = spec.fixedKind ?? mapping.fixedKind
            readers.append((partition, spec, reader, try EventDecoder(mapping: mapping, symbols: symbols)))
            processor.register(partition: partition, now: start)
        }
        while !readers.isEmpty {
            var index = 0
            while index < readers.count {
                let source = readers[index]
                let now = Self.now()
                let more = try source.reader.nextBatch(maxLines: Self.batchLines) { line, number in
                    handle(line, number: number, source: source.spec.name, partition: source.partition,
                           decoder: source.decoder, now: now)
                }
                if more {
                    index += 1
                } else {
                    processor.remove(partition: source.partition, now: now)
                    readers.remove(at: index)
                }
                try writeOutputs()
            }
        }
        processor.finish(now: Self.now())
        try writeOutputs()
        summary.processor = processor.counters
        summary.elapsedSeconds = Double(Self.now() - start) / 1000
        return summary
    }

    @inline(__always)
    private func handle(
        _ line: UnsafeRawBufferPointer, number: Int, source: String, partition: Int, decoder: EventDecoder, now: Int64
    ) {
        summary.records += 1
        do {
            try decoder.decode(line, context: RecordContext(recordTime: now), into: &event)
        } catch {
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                summary.records -= 1  // a blank line is not a record
                return
            }
            deadLetter(code: "\(error.code)", reason: error.message, source: source, number: number, line, now)
            return
        }
        switch processor.process(&event, partition: partition, now: now) {
        case .accepted: break
        case .late(let reason): deadLetter(code: "late", reason: reason, source: source, number: number, line, now)
        case .rejected(let reason):
            deadLetter(code: "rejected", reason: reason, source: source, number: number, line, now)
        }
    }

    private func deadLetter(
        code: String, reason: String, source: String, number: Int, _ line: UnsafeRawBufferPointer, _ now: Int64
    ) {
        summary.deadLetters[code, default: 0] += 1
        let letter = DeadLetter(code: code, reason: reason, source: source, position: number, payload: line, at: now)
        // Encoding a plain struct cannot fail; a failed write surfaces at the next flush.
        try? deadLetters.write(letter)
    }

    private func writeOutputs() throws {
        let output = processor.drain()
        for result in output.results { try results.write(result) }
        for alert in output.alerts { try alerts.write(alert) }
        for trigger in output.triggers { try retrain.write(trigger) }
        summary.results += output.results.count
        summary.alerts += output.alerts.count
        summary.triggers += output.triggers.count
        for writer in [results, alerts, retrain, deadLetters] { try writer.flush() }
    }

    static func now() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }
}
