import DriftlineCore
import DriftlineEngine
import DriftlineKafka
import Foundation
import Testing

/// A line that stops at the end of a shift must still close its last window: once every input
/// partition has been idle for `time.idle_timeout`, the watermark follows the wall clock.
@Suite(.serialized) struct QuietStreamEndToEndTests {
    @Test func theLastWindowOfAStreamThatGoesQuietCloses() throws {
        try #require(Tools.available, "needs kcat (scripts/setup.sh)")
        let work = try Workspace()
        let kafka = try MockKafkaCluster(brokers: 1)
        defer { kafka.destroy() }
        try kafka.createTopic("shift", partitions: 1)
        // Two inferences in the minute from 2026-11-26T00:00:00Z, the last 0.5 s before its end; then nothing.
        let lines = [1_000, 59_500].map {
            #"{"type":"inference","model":"m","version":"1","ts":\#(1_795_651_200_000 + $0),"features":{"x":1},"prediction":"ok"}"#
        }
        try Tools.run(
            "/usr/bin/kcat", ["-P", "-b", kafka.bootstrapServers, "-t", "shift"],
            stdin: try work.write("in.txt", lines.joined(separator: "\n") + "\n"))
        let run = KafkaToFiles(
            work, properties: ["bootstrap.servers": kafka.bootstrapServers], topics: ["shift"], group: "shift",
            mapping: .contract(segmentDimensions: []),
            time: Topology.TimeSettings(outOfOrdernessMs: 0, idleTimeoutMs: 1_000))
        run.wait { $0.recordsProcessed >= lines.count }
        // No record will come to move the watermark past 00:01:00; a second of silence does.
        run.wait { _ in (try? work.objects("windows.ndjson").isEmpty) == false }
        let summary = try run.stop()
        #expect(summary.records == 2)
        let windows = try work.objects("windows.ndjson")
        #expect(windows.map { $0["count"] as? Int } == [2])
        #expect((windows.first?["window"] as? [String: String])?["end"] == "2026-11-26T00:01:00.000Z")
    }
}
