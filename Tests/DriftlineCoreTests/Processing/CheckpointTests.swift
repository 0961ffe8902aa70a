import DriftlineCore
import DriftlineTestSupport
import Foundation
import PropertyBased
import Testing

@Suite struct CheckpointTests {
    typealias H = ProcessorHarness

    /// Inferences of a classifier (with a baseline) on three lines, some out of order, some late,
    /// a quarter labelled later; a regressor without a baseline with extra features, labelled
    /// inline and later; resource samples of two hosts.
    static let lines: [String] = {
        var lines: [String] = []
        for i in 0..<900 {
            let ts = Int64(i) * 700 + Int64((i * 7919) % 3_000)
            lines.append(
                H.inference(
                    ts: ts, x: Double(i % 23), c: i % 5 == 0 ? "b" : "a", prediction: i % 3 == 0 ? "defect" : "ok",
                    requestID: "r\(i)", latency: Double(5 + i % 97) + 0.25, line: "L\(i % 3)"))
            if i % 4 == 0 {
                lines.append(H.label(ts: ts + 20_000, requestID: "r\(i)", label: i % 8 == 0 ? "ok" : "defect"))
            }
            if i % 7 == 0 {
                let label = i % 14 == 0 ? ",\"label\":\(Double(i % 11) / 4)" : ""
                lines.append(
                    "{\"type\":\"inference\",\"model\":\"r\",\"version\":\"2\",\"ts\":\(ts),\"request_id\":\"q\(i)\","
                        + "\"features\":{\"speed\":\(i % 13),\"load\":\(Double(i) / 3)},\"prediction\":\(Double(i % 9) / 2)"
                        + "\(label),\"segment\":{\"line\":\"L\(i % 2)\"}}")
                if i % 14 != 0 {
                    lines.append(
                        "{\"type\":\"label\",\"model\":\"r\",\"request_id\":\"q\(i)\",\"ts\":\(ts + 9_000),\"label\":1.5}"
                    )
                }
            }
            if i % 10 == 0 {
                lines.append(
                    "{\"type\":\"resource\",\"model\":\"m\",\"version\":\"1\",\"ts\":\(ts),\"host\":\"h\(i % 20 / 10)\","
                        + "\"cpu_pct\":\(i % 100),\"mem_mb\":\(1000 + i)}")
            }
            if i % 50 == 49 { lines.append(H.inference(ts: ts - 100_000, x: 1, c: "a", requestID: "late\(i)")) }
            if i % 90 == 45 { lines.append(H.inference(ts: ts - 5_000, x: 2, requestID: "r\(i - 1)")) }  // a duplicate
        }
        return lines
    }()

    static let settings = DriftProcessorTests.settings(
        window: WindowSpec(size: 60_000, hop: 20_000), keySets: [[], ["line"]], outOfOrderness: 2_000,
        allowedLateness: 30_000, labelWait: 30_000, rules: [])

    static func roundTrip(_ checkpoint: ProcessorCheckpoint) throws -> ProcessorCheckpoint {
        try JSONDecoder().decode(ProcessorCheckpoint.self, from: try JSONEncoder().encode(checkpoint))
    }

    /// What a run gives: every result, and how each record was taken.
    struct Run: Equatable {
        var results: [WindowResult] = []
        var dispositions: [String] = []
    }

    /// Feeds `lines` in chunks of `chunks`; before each chunk listed in `restartBefore` the
    /// processor is checkpointed, the checkpoint coded as JSON and back, and a new processor (with
    /// a new symbol table made from it) carries on.
    static func run(chunks: [Int], restartBefore: Set<Int> = []) throws -> Run {
        var h = try H(settings)
        var run = Run()
        var index = 0
        var now: Int64 = 0
        for (number, size) in chunks.enumerated() where index < lines.count {
            if restartBefore.contains(number) {
                let checkpoint = try roundTrip(h.processor.checkpoint())
                let safe = h.processor.safeOffsets()
                let watermark = h.processor.watermark
                run.results += h.results
                h = try H(settings, restoring: checkpoint)
                #expect(h.processor.safeOffsets() == safe)
                #expect(h.processor.watermark == watermark)
                #expect(try roundTrip(h.processor.checkpoint()) == checkpoint)
            }
            now += 1_000
            for (offset, line) in lines[index..<min(index + size, lines.count)].enumerated() {
                let disposition = try h.feed(line, offset: Int64(index + offset), now: now)
                run.dispositions.append("\(disposition)")
            }
            index += size
        }
        h.finish(now: now)
        run.results += h.results
        return run
    }

    @Test func aProcessorRestoredFromCheckpointsGivesTheResultsOfOneThatRanThrough() async throws {
        let whole = try Self.run(chunks: [Self.lines.count])
        #expect(whole.results.count > 100)
        #expect(whole.results.contains { $0.accuracy.mae != nil } && whole.results.contains { !$0.resources.isEmpty })
        #expect(
            whole.dispositions.contains { $0.hasPrefix("late") }
                && whole.dispositions.contains { $0.hasPrefix("duplicate") })
        await propertyCheck(count: 12, input: Gen.int(in: 1...300).array(of: 2...12)) { sizes in
            var chunks = sizes
            let covered = chunks.reduce(0, +)
            if covered < Self.lines.count { chunks.append(Self.lines.count - covered) }
            // A restart before every chunk after the first.
            let restarted = try! Self.run(chunks: chunks, restartBefore: Set(1..<chunks.count))
            let plain = try! Self.run(chunks: chunks)
            #expect(restarted == plain)
            #expect(restarted.results.filter(\.accuracy.final) == whole.results.filter(\.accuracy.final))
        }
    }

    @Test func aCheckpointOfOtherWindowsOrAnotherBaselineIsRefusedSayingWhatChanged() throws {
        let h = try H(Self.settings)
        for line in Self.lines.prefix(200) { try h.feed(line) }
        let checkpoint = h.processor.checkpoint()

        var wider = Self.settings
        wider.window = WindowSpec(size: 300_000)
        wider.labelWait = 60_000
        let refusal = try #require(throws: ProcessorError.self) { try H(wider, restoring: checkpoint) }
        #expect(refusal.code == .checkpointMismatch)
        #expect(refusal.message.contains("window size 1m → 5m") && refusal.message.contains("window hop 20s → 5m"))
        #expect(refusal.message.contains("label wait 30s → 1m"))

        var rebinned = TestBaselines.simple
        rebinned.features[0] = .numeric(
            name: "x", edges: [5, 10], expected: [0.3, 0.3, 0.4], referenceCount: 100, missingRate: 0)
        let baseline = try #require(throws: ProcessorError.self) {
            try H(Self.settings, baselines: [rebinned], restoring: checkpoint)
        }
        #expect(baseline.message.contains("the baseline of m 1 is not the one its windows were binned by"))

        var future = checkpoint
        future.format += 1
        let format = try #require(throws: ProcessorError.self) { try H(Self.settings, restoring: future) }
        #expect(format.message.contains("format \(checkpoint.format + 1)"))
    }
}
