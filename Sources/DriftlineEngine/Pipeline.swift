import DriftlineConnectors
public import DriftlineCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs a topology: decode every source's records, process them, write results, alerts,
/// retraining triggers and dead letters, and commit consumed offsets once what they produced is
/// written.
///
/// File and standard-input sources are read in turns, a batch of lines each, so a replay is
/// deterministic: by default on a reading thread of their own that also decodes them and hands
/// the engine's thread decoded batches in that order (`Decoding`); each is one input partition of the watermark and, when all
/// of them have ended and no streaming source runs, every open window is closed and emitted.
/// Streaming sources (Kafka, MQTT) run on their own threads and hand batches over through a
/// bounded `SourceQueue`; they run until `stop()`.
public final class Pipeline: Sendable {
    /// Lines read from one file source before the next source's turn.
    public static let batchLines = 4096
    /// How often streaming sources' offsets are committed (after the outputs are flushed).
    public static let commitInterval: Int64 = 1_000

    private let state: Mutex<State>
    private let processed = Atomic<Int>(0)
    private let readAgain = Atomic<Int>(0)

    private struct State: ~Copyable {
        var stopRequested = false
    }

    /// Which thread decodes the sources' records.
    public enum Decoding: Sendable {
        /// The engine's own: each record is decoded, then processed, on one thread (one core).
        case engineThread
        /// The thread that reads the source, so the engine's thread only processes: file and
        /// standard-input sources are read and decoded on a thread of their own, which hands the
        /// engine decoded batches in the order the engine would read them itself (results, alerts,
        /// triggers and dead letters are the same as with `engineThread`); a Kafka or MQTT source's
        /// records are decoded on its connector's thread before they are queued.
        case readerThread
    }

    private let topology: Topology
    private let baselines: [Baseline]
    private let decoding: Decoding
    private let observer: (@Sendable (ProcessorOutput) -> Void)?

    /// Prepares to run `topology` with its baselines, decoding file sources as `decoding` says.
    /// `observer` sees every output as it is written (the demo prints alerts with it).
    public init(
        topology: Topology, baselines: [Baseline], decoding: Decoding = .readerThread,
        observer: (@Sendable (ProcessorOutput) -> Void)? = nil
    ) {
        self.topology = topology
        self.baselines = baselines
        self.decoding = decoding
        self.observer = observer
        state = Mutex(State())
    }

    /// Asks a running pipeline to stop: it writes and commits what it has processed and returns.
    /// Open windows are not closed; a restart re-reads their input from the committed offsets.
    public func stop() {
        state.withLock { $0.stopRequested = true }
    }

    private var stopRequested: Bool { state.withLock { $0.stopRequested } }

    /// Records a running pipeline has handled so far (decoded or dead-lettered), updated once per
    /// batch: load scenarios and the demo watch it to know when everything sent has been processed.
    public var recordsProcessed: Int { processed.load(ordering: .relaxed) }

    /// Records delivered again (after a rebalance) that were processed before and so skipped,
    /// updated once per batch.
    public var recordsReadAgain: Int { readAgain.load(ordering: .relaxed) }

    /// Runs until every source has ended, or until `stop()`; returns what happened.
    public func run() throws -> RunSummary {
        let run = try PipelineRun(
            topology: topology, baselines: baselines, decoding: decoding, observer: observer)
        return try run.run(
            stopRequested: { self.stopRequested },
            progress: { summary in
                self.processed.store(summary.records, ordering: .relaxed)
                self.readAgain.store(summary.recordsReadAgain, ordering: .relaxed)
            })
    }

    static func now() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }
}
