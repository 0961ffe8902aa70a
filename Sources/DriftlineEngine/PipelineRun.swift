import DriftlineConnectors
import DriftlineCore
import DriftlineKafka
import DriftlineStore
import Foundation

/// One run of a `Pipeline`, on the calling thread: owns the processor, the decoders, the sinks.
final class PipelineRun {
    /// A file or standard-input source, read on the engine's thread or (`reader` and `decoder`
    /// then belong to it) on the file decode stage's.
    private struct FileInput {
        var partition: Int
        var name: String
        var reader: LineReader
        var decoder: EventDecoder
    }

    /// A streaming source and what its records need.
    private struct StreamInput {
        var name: String
        var source: any StreamingSource
        var decoder: EventDecoder
        /// MQTT: the topic templates whose placeholders set roles.
        var topics: [TopicBinding]
    }

    private struct PartitionKey: Hashable {
        var source: Int
        var partition: PartitionID
    }

    private let topology: Topology
    private let symbols = SymbolTable()
    private let processor: DriftProcessor
    private let outputs: Outputs
    private let queue = SourceQueue()
    private var event: Event
    private var summary = RunSummary()
    private var files: [FileInput] = []
    /// Reads and decodes the file sources on a thread of its own, when decoding is not on the
    /// engine's thread.
    private var fileStage: FileDecodeStage?
    /// The file source (index in `files`) whose decoded batch the engine takes next.
    private var fileTurn = 0
    private var streams: [Int: StreamInput] = [:]
    /// Dense partition numbers of streaming partitions, after the file sources' own.
    private var partitions: [PartitionKey: Int] = [:]
    private var partitionKeys: [Int: PartitionKey] = [:]
    /// Streaming partitions a rebalance took away (until assigned again): their offsets belong to
    /// their new owner and are not committed from here.
    private var revoked: Set<Int> = []
    /// Streaming partitions whose re-read (of records processed before) has been reported since
    /// they were last assigned.
    private var rereadReported: Set<Int> = []
    private var lastCommit: Int64 = 0
    /// Events past the key limit are logged at most once a minute.
    private var keyLimitNotice = NoticeThrottle(interval: 60_000)
    private let maxKeys: Int
    /// Shared by every source's decoder, closed while the processor holds `maxKeys` keys.
    private let interning = InterningGate()
    private let observer: ((ProcessorOutput) -> Void)?
    private let baselines: [Baseline]
    /// The store, which scheduled reports read.
    private let history: HistoryStore?
    /// Where scheduled reports go, and when the next one is due (processing time).
    private var reports: (sink: any OutputSink, next: Int64?)?

    init(
        topology: Topology, baselines: [Baseline], decoding: Pipeline.Decoding,
        observer: ((ProcessorOutput) -> Void)?
    ) throws {
        self.topology = topology
        self.observer = observer
        maxKeys = topology.limits.maxKeys
        let history = try topology.store.map {
            try HistoryStore(path: $0.path, retention: $0.retention, outbox: topology.sinks.outbox)
        }
        // A run carries on from the rule states its store kept: a restart neither fires an alert
        // again nor forgets one.
        let snapshot = try topology.store?.resumesRules == true ? history?.ruleSnapshot() : nil
        processor = try DriftProcessor(
            settings: topology.processorSettings, symbols: symbols, baselines: baselines,
            restoring: snapshot ?? RuleSnapshot())
        event = Event(segmentDimensions: topology.segmentDimensions.count)
        // The names the processor interns itself, interned before any record, so that symbol ids
        // depend only on the order in which the records are decoded, on one thread or two.
        for baseline in baselines {
            for feature in baseline.features { _ = symbols.intern(feature.name) }
        }
        _ = symbols.intern("_unknown")
        self.baselines = baselines
        let store = history.map { StoreWriter(store: $0, report: { Self.warn($0) }) }
        self.history = history
        // A topology reading a stream is a service: its restart carries on writing its files.
        let appending = topology.sources.contains {
            if case .file = $0.transport { false } else { true }
        }
        outputs = try Outputs(topology.sinks, store: store) { try Self.makeSink($0, appending: appending) }
        let now = Pipeline.now()
        if let schedule = topology.schedule, let target = topology.sinks.reports {
            reports = (try Self.makeSink(target, appending: appending), schedule.cron.next(after: now))
        }
        try outputs.recordBaselines(baselines, now: now)
        for (index, spec) in topology.sources.enumerated() {
            var mapping = spec.mapping
            mapping.fixedKind = spec.fixedKind ?? mapping.fixedKind
            let decoder = try makeDecoder(mapping)
            switch spec.transport {
            case .file(let path):
                files.append(
                    FileInput(partition: index, name: spec.name, reader: try LineReader(path: path), decoder: decoder))
            case .stdin:
                files.append(
                    FileInput(
                        partition: index, name: spec.name, reader: LineReader(standardInputWithChunkSize: 1 << 20),
                        decoder: decoder))
            case .kafka(let kafka):
                var properties = KafkaProperties(kafka.connection.properties)
                properties["group.id"] = kafka.group
                if decoding == .readerThread {
                    queue.setDecoder(
                        StreamDecoder(
                            decoder: try makeDecoder(mapping), topics: [], symbols: symbols,
                            segmentDimensions: topology.segmentDimensions.count),
                        forSource: index)
                }
                let consumer = try KafkaConsumer(
                    properties: properties, topics: kafka.topics, source: index, queue: queue)
                streams[index] = StreamInput(name: spec.name, source: consumer, decoder: decoder, topics: [])
                // Until the group assigns its partitions, the source as a whole holds the watermark
                // back, so records other sources deliver meanwhile do not make its backlog late.
                processor.register(partition: partition(source: index, id: Self.unassigned), now: now)
                continue
            case .mqtt(let mqtt):
                let topics = try mqtt.topics.map {
                    try TopicBinding(template: $0, dimensions: topology.segmentDimensions)
                }
                if decoding == .readerThread {
                    queue.setDecoder(
                        StreamDecoder(
                            decoder: try makeDecoder(mapping), topics: topics,
                            symbols: symbols, segmentDimensions: topology.segmentDimensions.count),
                        forSource: index)
                }
                let source = try MQTTInput(spec: mqtt, source: index, queue: queue)
                streams[index] = StreamInput(name: spec.name, source: source, decoder: decoder, topics: topics)
                processor.register(partition: partition(source: index, id: Self.subscription(spec.name)), now: now)
                continue
            }
            processor.register(partition: index, now: now)
        }
        if decoding == .readerThread && !files.isEmpty {
            fileStage = FileDecodeStage(
                inputs: files.map {
                    FileDecodeStage.Input(partition: $0.partition, reader: $0.reader, decoder: $0.decoder)
                },
                segmentDimensions: topology.segmentDimensions.count)
        }
    }

    func run(stopRequested: () -> Bool, progress: (borrowing RunSummary) -> Void) throws -> RunSummary {
        let start = Pipeline.now()
        for stream in streams.values { try stream.source.start() }
        fileStage?.start()
        defer { fileStage?.stop() }
        lastCommit = start
        var stopped = false
        while !files.isEmpty || !streams.isEmpty {
            if stopRequested() {
                stopped = true
                break
            }
            try readFileBatches()
            takeQueuedBatches(wait: files.isEmpty ? .milliseconds(50) : .zero)
            let now = Pipeline.now()
            processor.tick(now: now)
            try emit(processor.drain())
            try writeReportsIfDue(now: now)
            try outputs.flush()
            progress(summary)
            if !streams.isEmpty && now - lastCommit >= Pipeline.commitInterval {
                try commit()
                lastCommit = now
            }
        }
        if stopped || !streams.isEmpty {
            try commit()
            for stream in streams.values { stream.source.stop() }
        } else {
            processor.finish(now: Pipeline.now())
            try emit(processor.drain())
            try outputs.flush()
        }
        try outputs.recordBaselines(baselines, now: Pipeline.now())
        try outputs.closeStore()
        summary.processor = processor.counters
        summary.results = outputs.counts.results
        summary.alerts = outputs.counts.alerts
        summary.triggers = outputs.counts.triggers
        summary.storeRetries = outputs.storeRetries
        summary.elapsedSeconds = Double(Pipeline.now() - start) / 1000
        return summary
    }

    /// Opens the sink `target` names; a file is written on at its end when `appending`, else afresh.
    private static func makeSink(_ target: Topology.SinkTarget, appending: Bool) throws -> any OutputSink {
        switch target {
        case .stdout: return FileSink(RecordWriter())
        case .file(let path): return FileSink(try RecordWriter(path: path, appending: appending))
        case .kafka(let topic, let connection): return try KafkaSink(topic: topic, connection: connection)
        case .mqtt(let topic, let connection, let statusPrefix):
            return try MQTTOutputSink(topic: topic, connection: connection, statusPrefix: statusPrefix)
        case .delivery(let target):
            // The parser lets delivery targets take only alerts and triggers, which `Outputs` leaves to the store.
            preconditionFailure("delivery target \(target.name) asked for as an output sink")
        }
    }

    /// When a scheduled report is due at `now`: once the store holds everything emitted so far,
    /// writes the report of each model version of the period ending now, and emits the
    /// retraining triggers they ask for. Runs on the engine's thread (once a period; the reports
    /// read the store, the windows of a month in a few seconds).
    private func writeReportsIfDue(now: Int64) throws {
        guard let schedule = topology.schedule, let history, let sink = reports?.sink, let next = reports?.next,
            now >= next
        else { return }
        try outputs.sync()
        var output = ProcessorOutput()
        let encoder = ContractEncoder()
        for (report, trigger) in try history.periodReports(
            now: now, length: schedule.periodMs, targets: schedule.targets, criteria: schedule.criteria)
        {
            try sink.write(
                try encoder.encode(report), key: "\(report.model)/\(report.version)/\(Timestamp.format(now))")
            if let trigger { output.triggers.append(trigger) }
        }
        try sink.sync()
        reports = (sink, schedule.cron.next(after: now))
        try emit(output)
    }

    private func emit(_ output: ProcessorOutput) throws {
        guard !output.isEmpty else { return }
        for record in output.refused {
            record.payload.withUnsafeBytes { payload in
                deadLetter(
                    code: record.code, reason: record.reason, source: sourceName(partition: record.partition),
                    position: record.offset, payload, record.receivedAt)
            }
        }
        try outputs.write(output)
        observer?(output)
    }

    // MARK: - Sources

    private func readFileBatches() throws {
        if let fileStage { return try takeDecodedFileBatches(from: fileStage) }
        var index = 0
        while index < files.count {
            let input = files[index]
            let now = Pipeline.now()
            let more = try input.reader.nextBatch(maxLines: Pipeline.batchLines) { line, number in
                handle(
                    line, source: input.name, position: Int64(number), partition: input.partition,
                    decoder: input.decoder, context: RecordContext(recordTime: now), now: now)
            }
            if more {
                index += 1
            } else {
                processor.remove(partition: input.partition, now: now)
                files.remove(at: index)
            }
        }
    }

    /// Processes one turn of each file source, decoded by the file decode stage: the same records in
    /// the same order as `readFileBatches` reads them on this thread. A source whose batch is not
    /// ready within 100 ms (standard input while its writer pauses) keeps its turn for the next
    /// call, so the engine's loop goes on meanwhile: ticks, commits, scheduled reports.
    private func takeDecodedFileBatches(from stage: FileDecodeStage) throws {
        while fileTurn < files.count {
            let batch: DecodedBatch
            switch stage.queue.take(until: Date().addingTimeInterval(0.1)) {
            case .batch(let taken): batch = taken
            case .none: return
            case .closed: throw CancellationError()
            }
            let index = fileTurn
            let input = files[index]
            precondition(batch.partition == input.partition, "the file decode stage took its turns out of order")
            let now = Pipeline.now()
            let records = batch.records
            for number in 0..<records.count {
                let record = records.record(number)
                switch record.outcome {
                case .decoded(let decoded):
                    summary.records += 1
                    records.load(decoded, into: &event)
                    let payload = records.payload(of: record)
                    let disposition = processor.process(
                        &event, partition: input.partition, offset: record.position, now: now, payload: payload)
                    if case .accepted = disposition { continue }
                    deadLetter(disposition, source: input.name, position: record.position, payload, now)
                case .blank:
                    continue
                case .failed(let failure):
                    summary.records += 1
                    let (code, message) = records.failure(failure)
                    deadLetter(
                        code: code, reason: message, source: input.name, position: record.position,
                        records.payload(of: record), now)
                }
            }
            updateInterningGate()
            // A read error ends the run after the lines read before it, as on the engine's thread.
            if let failure = batch.failure { throw failure }
            let more = batch.more
            stage.queue.recycle(batch)
            if more {
                fileTurn += 1
            } else {
                processor.remove(partition: input.partition, now: now)
                files.remove(at: index)
            }
        }
        fileTurn = 0
    }

    private func takeQueuedBatches(wait: Duration) {
        var taken = 0
        while taken < 64, let message = queue.take(timeout: taken == 0 ? wait : .zero) {
            taken += 1
            switch message {
            case .records(let batch):
                guard var input = streams[batch.source] else { continue }
                let now = Pipeline.now()
                // Records come in runs per (topic, partition): its name and watermark partition number
                // are looked up when the run changes.
                var run: (topic: Int32, partition: Int32) = (-1, -1)
                var topic = ""
                var number = 0
                var recordIndex = -1
                batch.forEachRecord { record, payload, key, headers in
                    recordIndex += 1
                    if record.topic != run.topic || record.partition != run.partition {
                        run = (record.topic, record.partition)
                        topic = batch.topics[Int(record.topic)]
                        // A Kafka partition is a watermark partition; an MQTT subscription is one as a whole.
                        let id =
                            input.topics.isEmpty
                            ? PartitionID(topic: topic, partition: record.partition) : Self.subscription(input.name)
                        number = partition(source: batch.source, id: id)
                    }
                    guard !processor.processedBefore(partition: number, offset: record.offset) else {
                        summary.recordsReadAgain += 1
                        if rereadReported.insert(number).inserted {
                            Self.warn(
                                "\(input.name):\(topic)[\(record.partition)] resumed at offset \(record.offset), behind "
                                    + "records this engine has already counted; skipping those")
                        }
                        return
                    }
                    if let decoded = batch.decoded?.events {
                        // Decoded on the source's own thread.
                        let entry = decoded.record(recordIndex)
                        switch entry.outcome {
                        case .decoded(let index):
                            summary.records += 1
                            decoded.load(index, into: &event)
                            process(
                                payload, source: "\(input.name):\(topic)[\(record.partition)]", position: record.offset,
                                partition: number, now: now)
                        case .blank:
                            break
                        case .failed(let index):
                            summary.records += 1
                            let (code, message) = decoded.failure(index)
                            deadLetter(
                                code: code, reason: message, source: "\(input.name):\(topic)[\(record.partition)]",
                                position: record.offset, payload, now)
                        }
                        return
                    }
                    let position = record.offset
                    guard
                        decode(
                            payload, source: "\(input.name):\(topic)[\(record.partition)]", position: position,
                            decoder: input.decoder,
                            context: RecordContext(recordTime: record.timestamp ?? now, key: key, headers: headers),
                            now: now)
                    else { return }
                    for index in input.topics.indices
                    where input.topics[index].apply(topic: topic, to: &event, symbols: symbols) {
                        break
                    }
                    process(
                        payload, source: "\(input.name):\(topic)[\(record.partition)]", position: position,
                        partition: number, now: now)
                }
                streams[batch.source] = input
                queue.recycle(batch)
                updateInterningGate()
            case .assigned(let source, let ids):
                let now = Pipeline.now()
                for id in ids {
                    let number = partition(source: source, id: id)
                    revoked.remove(number)
                    rereadReported.remove(number)
                    processor.register(partition: number, now: now)
                }
                processor.remove(partition: partition(source: source, id: Self.unassigned), now: now)
            case .revoked(let source, let ids, let done):
                // Hand the partitions over: what they delivered is written, their safe offsets are
                // committed, and they stop holding the watermark back.
                try? emit(processor.drain())
                try? outputs.flush()
                try? commit()
                let counted = ids.filter { processor.holdsRecords(of: partition(source: source, id: $0)) }
                if !counted.isEmpty {
                    summary.partitionsRevokedWhileCounted += counted.count
                    Self.warn(
                        "a rebalance took \(counted.count) partition(s) of source "
                            + "'\(streams[source]?.name ?? "\(source)")' (\(counted.map(\.description).joined(separator: ", "))) "
                            + "whose records open windows still count; another member taking them over reads "
                            + "those records again, and the group counts them twice until these windows close "
                            + "(run one engine per consumer group, see README)")
                }
                let now = Pipeline.now()
                for id in ids {
                    let number = partition(source: source, id: id)
                    revoked.insert(number)
                    processor.remove(partition: number, now: now)
                }
                done.signal()
            case .ended(let source):
                streams[source] = nil
            }
        }
    }

    /// Writes `message` to standard error as the engine's own line.
    private static func warn(_ message: String) {
        FileHandle.standardError.write(Data("driftline: \(message)\n".utf8))
    }

    /// Stands for a Kafka source whose group has not assigned it any partition yet.
    private static let unassigned = PartitionID(topic: "", partition: -1)

    /// The one watermark partition of an MQTT source.
    private static func subscription(_ name: String) -> PartitionID { PartitionID(topic: name, partition: 0) }

    /// The name dead letters give the input partition numbered `number`: a file source's name, or a
    /// streaming source's name with its topic and partition.
    private func sourceName(partition number: Int) -> String {
        guard let key = partitionKeys[number] else { return topology.sources[number].name }
        let name = topology.sources[key.source].name
        return streams[key.source]?.topics.isEmpty == false
            ? name : "\(name):\(key.partition.topic)[\(key.partition.partition)]"
    }

    /// A decoder for a source's `mapping`, with the topology's feature limit and the shared gate.
    private func makeDecoder(_ mapping: FieldMapping) throws -> EventDecoder {
        let decoder = try EventDecoder(mapping: mapping, symbols: symbols, interning: interning)
        decoder.maxFeatures = topology.limits.maxFeatures
        return decoder
    }

    /// At the key limit, an event with a segment value never seen before would add a key and be
    /// dead-lettered: decoders then leave such values out of the symbol table. Decoders on other
    /// threads see the gate a batch or two late, which only lets a few more values in.
    private func updateInterningGate() {
        interning.isOpen = processor.keyCount < maxKeys
    }

    private func partition(source: Int, id: PartitionID) -> Int {
        let key = PartitionKey(source: source, partition: id)
        if let known = partitions[key] { return known }
        let number = topology.sources.count + partitions.count
        partitions[key] = number
        partitionKeys[number] = key
        return number
    }

    /// Makes every output written so far durable, then commits each streaming partition's safe offset.
    ///
    /// When an output cannot be delivered, nothing is committed for the rest of the run: the
    /// failure is logged and counted, and a restart reads the input again and produces it again.
    private func commit() throws {
        guard !streams.isEmpty, summary.outputFailure == nil else { return }
        do {
            try outputs.sync()
        } catch {
            summary.outputFailure = "\(error)"
            Self.warn("an output could not be delivered; offsets are no longer committed: \(error)")
            return
        }
        var bySource: [Int: [PartitionID: Int64]] = [:]
        for (partition, offset) in processor.safeOffsets() where !revoked.contains(partition) {
            guard let key = partitionKeys[partition] else { continue }
            bySource[key.source, default: [:]][key.partition] = offset
        }
        for (source, offsets) in bySource { streams[source]?.source.commit(offsets) }
    }

    // MARK: - Records

    @inline(__always)
    private func handle(
        _ payload: UnsafeRawBufferPointer, source: @autoclosure () -> String, position: Int64, partition: Int,
        decoder: EventDecoder, context: RecordContext, now: Int64
    ) {
        guard decode(payload, source: source(), position: position, decoder: decoder, context: context, now: now) else {
            return
        }
        process(payload, source: source(), position: position, partition: partition, now: now)
    }

    /// Decodes one record into `event`; dead-letters it (or skips a blank line) and returns false when it cannot.
    @inline(__always)
    private func decode(
        _ payload: UnsafeRawBufferPointer, source: @autoclosure () -> String, position: Int64, decoder: EventDecoder,
        context: RecordContext, now: Int64
    ) -> Bool {
        summary.records += 1
        updateInterningGate()
        do {
            try decoder.decode(payload, context: context, into: &event)
            return true
        } catch {
            if payload.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                summary.records -= 1  // a blank line is not a record
                return false
            }
            deadLetter(code: "\(error.code)", reason: error.message, source: source(), position: position, payload, now)
            return false
        }
    }

    @inline(__always)
    private func process(
        _ payload: UnsafeRawBufferPointer, source: @autoclosure () -> String, position: Int64, partition: Int,
        now: Int64
    ) {
        let disposition = processor.process(&event, partition: partition, offset: position, now: now, payload: payload)
        if case .accepted = disposition { return }
        deadLetter(disposition, source: source(), position: position, payload, now)
    }

    /// Dead-letters a record the processor did not accept; a held one waits for its jump's verdict.
    private func deadLetter(
        _ disposition: Disposition, source: String, position: Int64, _ payload: UnsafeRawBufferPointer, _ now: Int64
    ) {
        switch disposition {
        case .accepted, .held: break
        case .late(let reason):
            deadLetter(code: "late", reason: reason, source: source, position: position, payload, now)
        case .future(let reason):
            deadLetter(code: "future", reason: reason, source: source, position: position, payload, now)
        case .rejected(let reason):
            deadLetter(code: "rejected", reason: reason, source: source, position: position, payload, now)
        case .duplicate(let reason):
            deadLetter(code: "duplicate", reason: reason, source: source, position: position, payload, now)
        case .keyLimit(let reason):
            deadLetter(code: "keyLimit", reason: reason, source: source, position: position, payload, now)
            if let count = keyLimitNotice.occurred(now: now) {
                Self.warn(
                    "the key limit of \(topology.limits.maxKeys) (limits.max_keys) is reached: \(count) event(s) of new "
                        + "keys dead-lettered with code keyLimit since the last notice (at most one a minute), "
                        + "\(processor.counters.keyLimited) in all; keys already held go on. Latest: \(reason)")
            }
        }
    }

    private func deadLetter(
        code: String, reason: String, source: String, position: Int64, _ payload: UnsafeRawBufferPointer, _ now: Int64
    ) {
        summary.deadLetters[code, default: 0] += 1
        let letter = DeadLetter(
            code: code, reason: reason, source: source, position: Int(position), payload: payload, at: now)
        do {
            try outputs.write(letter)
        } catch {
            // The dead-letter sink itself failed: count it, the run's report shows it.
            summary.deadLetterFailures += 1
        }
    }
}
