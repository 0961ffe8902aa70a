import DriftlineCore
import DriftlineEngine
import DriftlineTestSupport
import Foundation
import Testing

/// Decoding file sources on a reading thread of their own must not change a single output byte:
/// the same results, alerts, triggers and dead letters as decoding on the engine's thread.
@Suite struct PipelineDecodingTests {
    /// Two generated streams (labels, resources, drift, out-of-order events, one file shorter than
    /// the other), with malformed and blank lines mixed in, keyed three ways.
    @Test func aReadingThreadDecodesToTheSameOutputsAsTheEngineThread() throws {
        let work = try Scratch()
        var first = TelemetryScenario()
        first.length = .inferenceCount(12_000)
        first.eventsPerSecond = 20
        first.drifts = [
            DriftEpisode(.featureShift(feature: "current_a", sigmas: 3), startMs: first.startMs + 300_000),
            DriftEpisode(.latencySpike(multiplier: 4), startMs: first.startMs + 360_000, line: "L2"),
        ]
        var second = TelemetryScenario()
        second.length = .inferenceCount(5_000)
        second.eventsPerSecond = 15
        second.maxOutOfOrderMs = 9_000
        second.segments = TelemetryScenario.Segments(lineCount: 2, devicesPerLine: 3)
        second.models = [TelemetryScenario.Model(name: "seam-tracker", version: "1.4.0")]
        let baseline = try TelemetryBaseline.build(for: first, seed: 7, referenceRows: 4_000, testRows: 1_000)
        let firstPath = try work.write("first.ndjson", try Self.lines(of: first, seed: 11, malformedEvery: 997))
        let secondPath = try work.write("second.ndjson", try Self.lines(of: second, seed: 12, malformedEvery: 401))

        func run(_ decoding: Pipeline.Decoding, _ name: String) throws -> (RunSummary, [String]) {
            let outputs = ["results", "alerts", "retrain", "dead"].map { work.path("\(name)-\($0).ndjson") }
            let topology = Topology(
                name: "decoding", windows: WindowSpec(size: 60_000), keys: [[], ["line"], ["line", "device"]],
                sources: [
                    Topology.SourceSpec(
                        name: "first", transport: .file(path: firstPath),
                        mapping: .contract(segmentDimensions: ["device", "line"])),
                    Topology.SourceSpec(
                        name: "second", transport: .file(path: secondPath),
                        mapping: .contract(segmentDimensions: ["device", "line"])),
                ],
                sinks: Topology.SinkSpecs(
                    results: .file(path: outputs[0]), alerts: [.file(path: outputs[1])],
                    retrain: [.file(path: outputs[2])], deadLetter: .file(path: outputs[3])))
            let summary = try Pipeline(topology: topology, baselines: [baseline], decoding: decoding).run()
            return (summary, try outputs.map { try Self.withoutWallClock(String(contentsOfFile: $0, encoding: .utf8)) })
        }

        let (one, oneOutputs) = try run(.engineThread, "one")
        let (two, twoOutputs) = try run(.readerThread, "two")
        let (again, againOutputs) = try run(.readerThread, "again")

        // The inputs exercise what they should.
        #expect(one.processor.labelsMatched > 1_000)
        #expect(one.processor.resources > 0)
        #expect(one.deadLetters["late", default: 0] > 0)
        #expect(one.deadLetters.keys.contains { $0 != "late" })
        #expect(one.alerts > 0)
        #expect(oneOutputs[0].split(separator: "\n").count > 100)
        // And both ways give the same, byte for byte.
        for (index, name) in ["results", "alerts", "retraining triggers", "dead letters"].enumerated() {
            #expect(oneOutputs[index] == twoOutputs[index], "\(name) differ")
            #expect(twoOutputs[index] == againOutputs[index], "\(name) differ between two runs")
        }
        for summary in [two, again] {
            #expect(summary.records == one.records)
            #expect(summary.deadLetters == one.deadLetters)
            #expect(summary.processor == one.processor)
            #expect(summary.results == one.results)
            #expect(summary.alerts == one.alerts)
            #expect(summary.triggers == one.triggers)
        }
    }

    /// The generated stream as NDJSON, with a malformed or blank line after every `malformedEvery`
    /// lines (invalid JSON, a missing role, not an object, a blank line, in turn).
    static func lines(of scenario: TelemetryScenario, seed: UInt64, malformedEvery: Int) throws -> [UInt8] {
        let malformed = [
            #"{"type":"inference","model":"#, #"{"type":"inference","model":"weld-defect-cls"}"#, "[1,2,3]", "  ",
        ]
        var generator = try TelemetryGenerator(scenario: scenario, seed: seed)
        var bytes: [UInt8] = []
        var count = 0
        while generator.next(into: &bytes) != nil {
            count += 1
            if count % malformedEvery == 0 {
                bytes += Array(malformed[(count / malformedEvery) % malformed.count].utf8) + [0x0A]
            }
        }
        return bytes
    }

    /// `text` with the wall-clock instants (`"at"` of alerts, triggers and dead letters) blanked.
    static func withoutWallClock(_ text: String) -> String {
        text.replacing(#/"at":("[^"]*"|-?[0-9]+)/#, with: #""at":0"#)
    }
}

/// A temporary directory.
private struct Scratch {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("driftline-\(UUID().uuidString)")

    init() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        try Data(bytes).write(to: URL(fileURLWithPath: path(name)))
        return path(name)
    }
}
