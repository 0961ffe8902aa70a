import ArgumentParser
import DriftlineCore
import DriftlineEngine
import Foundation

/// `driftline replay`: the one-line form for backfills and analysts.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay an NDJSON event file through the default rules; write window results and alerts.",
        discussion: """
            Keys results by the whole model plus each --segment given; closes every open window at \
            the end of the input. Retraining triggers go to the alerts file unless --retrain is given. \
            With --store, everything also goes into a SQLite history store (`driftline query`).
            """)

    @Option(help: "A baseline JSON file (repeat for several model versions).")
    var baseline: [String] = []
    @Option(help: "Window size, e.g. 5m.")
    var window: String
    @Option(help: "Hop of hopping windows, e.g. 1m (default: tumbling).")
    var hop: String?
    @Option(help: "Segment dimensions to key by, comma-separated, e.g. line,device (repeatable).")
    var segment: [String] = []
    @Option(help: "Bound of the label join in event time.")
    var labelWait = "10m"
    @Option(help: "Allowed out-of-orderness of event time.")
    var outOfOrderness = "5s"
    @Option(help: "Late events within this still revise closed windows.")
    var allowedLateness = "0s"
    @Option(help: "Events further ahead of the wall clock than this are dead-lettered as future.")
    var maxFuture = "15m"
    @Option(help: "A jump ahead of a file's time by more than this waits for two more records to confirm it.")
    var maxJump = "1h"
    @Option(help: "Re-emit a closed window that late events or labels changed at most this often (default: every hop).")
    var reviseEvery: String?
    @Option(help: "At most this many result keys at once; events of new keys past it are dead-lettered (keyLimit).")
    var maxKeys = 100_000
    @Option(help: "Events with more features than this are dead-lettered (tooManyFeatures).")
    var maxFeatures = 256
    @Option(help: "The NDJSON events to replay ('-' for standard input).")
    var input: String
    @Option(help: "Where window results go ('-' for standard output).")
    var results: String
    @Option(help: "Where alerts go ('-' for standard output).")
    var alerts: String
    @Option(help: "Where retraining triggers go (default: with the alerts).")
    var retrain: String?
    @Option(help: "Where dead letters go (default: next to the results, .dead-letter.ndjson).")
    var deadLetter: String?
    @Option(help: "Also write every window result, alert and trigger into this SQLite history store.")
    var store: String?
    @Flag(
        help: """
            Decode on the engine's thread, one record after the other with processing (one core), \
            instead of on a reading thread of its own; the outputs are the same.
            """)
    var singleThread = false

    func run() throws {
        func duration(_ text: String, _ option: String) throws -> Int64 {
            guard let value = DurationText.milliseconds(text) else {
                throw ValidationError("--\(option): '\(text)' is not a duration (e.g. 500ms, 30s, 5m, 2h)")
            }
            return value
        }
        let spec = WindowSpec(size: try duration(window, "window"), hop: try hop.map { try duration($0, "hop") })
        guard spec.isValid else { throw ValidationError("--hop must be positive and at most --window") }
        let revisionInterval = try reviseEvery.map { try duration($0, "revise-every") }
        guard revisionInterval.map({ $0 > 0 }) ?? true else { throw ValidationError("--revise-every must be positive") }
        let maxJumpMs = try duration(maxJump, "max-jump")
        guard maxJumpMs > 0 else { throw ValidationError("--max-jump must be longer than 0") }
        guard maxKeys >= 1, maxFeatures >= 1 else {
            throw ValidationError("--max-keys and --max-features must be at least 1")
        }
        let keys =
            [[]] + segment.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
        func target(_ path: String) -> Topology.SinkTarget { path == "-" ? .stdout : .file(path: path) }
        let deadLetterPath = deadLetter ?? (results == "-" ? "dead-letter.ndjson" : results + ".dead-letter.ndjson")
        let topology = Topology(
            name: "replay",
            time: Topology.TimeSettings(
                outOfOrdernessMs: try duration(outOfOrderness, "out-of-orderness"),
                allowedLatenessMs: try duration(allowedLateness, "allowed-lateness"),
                maxFutureMs: try duration(maxFuture, "max-future"), maxJumpMs: maxJumpMs,
                followsClockWhenIdle: false),
            windows: spec, keys: keys,
            labels: Topology.LabelSettings(waitMs: try duration(labelWait, "label-wait")),
            baselinePaths: baseline,
            sources: [
                Topology.SourceSpec(
                    name: input, transport: input == "-" ? .stdin : .file(path: input),
                    mapping: .contract(segmentDimensions: Set(keys.joined()).sorted()))
            ],
            sinks: Topology.SinkSpecs(
                results: target(results), alerts: [target(alerts)], retrain: retrain.map { [target($0)] },
                deadLetter: target(deadLetterPath)), reviseEveryMs: revisionInterval,
            limits: Topology.LimitSettings(maxKeys: maxKeys, maxFeatures: maxFeatures),
            store: store.map { Topology.StoreSpec(path: URL(fileURLWithPath: $0).standardizedFileURL.path) })
        let summary = try Pipeline(
            topology: topology, baselines: BaselineCatalog.load(paths: baseline),
            decoding: singleThread ? .engineThread : .readerThread
        )
        .run()
        TopologyRunner.report(summary)
    }
}
