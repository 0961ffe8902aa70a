import DriftlineCore
import DriftlineEngine
import DriftlineKafka
import DriftlineTestSupport
import Foundation
import Testing

/// A rebalance that hands a member its own partitions back makes librdkafka resume them from the
/// committed offsets, which lie behind what open windows have counted: the engine must not count
/// those records twice.
@Suite(.serialized) struct KafkaRebalanceEndToEndTests {
    @Test func partitionsThatComeBackAfterARebalanceAreNotCountedTwice() throws {
        try #require(Tools.available, "needs kcat (scripts/setup.sh)")
        let work = try Workspace()
        let kafka = try MockKafkaCluster(brokers: 1)
        defer { kafka.destroy() }
        try kafka.createTopic("line-a", partitions: 2)
        // 100 inferences in [0, 60 s), keyed so both partitions get some.
        let lines = (0..<100).map {
            #"k\#($0):{"type":"inference","model":"m","version":"1","ts":\#(1_795_651_200_000 + $0 * 500),"features":{"x":1},"prediction":"ok"}"#
        }
        try Tools.run(
            "/usr/bin/kcat", ["-P", "-b", kafka.bootstrapServers, "-t", "line-a", "-K", ":"],
            stdin: try work.write("a.txt", lines.joined(separator: "\n") + "\n"))

        // A regular-expression subscription: a new matching topic makes the group rebalance.
        let run = KafkaToFiles(
            work,
            properties: [
                "bootstrap.servers": kafka.bootstrapServers, "topic.metadata.refresh.interval.ms": "500",
                "session.timeout.ms": "6000", "heartbeat.interval.ms": "300",
            ],
            topics: ["^line-.*"], group: "rebalance", mapping: .contract(segmentDimensions: []),
            time: Topology.TimeSettings(outOfOrdernessMs: 0, idleTimeoutMs: 600_000))
        run.wait { $0.recordsProcessed >= 100 }
        // Let a commit happen: [0, 60 s) is open, so the safe offsets stay at the partitions' start.
        Thread.sleep(forTimeInterval: 1.5)

        // line-b appears: the group rebalances and line-a's partitions come back to this member.
        try kafka.createTopic("line-b", partitions: 1)
        run.wait { $0.recordsReadAgain > 0 }
        // One record at 61 s in each partition moves the watermark past 60 s: [0, 60 s) closes.
        let closing =
            #"{"type":"inference","model":"m","version":"1","ts":1795651261000,"features":{"x":1},"prediction":"ok"}"#
        for (topic, partition) in [("line-a", "0"), ("line-a", "1"), ("line-b", "0")] {
            try Tools.run(
                "/usr/bin/kcat", ["-P", "-b", kafka.bootstrapServers, "-t", topic, "-p", partition],
                stdin: try work.write("closing.txt", closing + "\n"))
        }
        run.wait { _ in (try? work.objects("windows.ndjson").isEmpty) == false }
        let summary = try run.stop()

        #expect(summary.records == 103)
        #expect(summary.recordsReadAgain > 0, "the rebalance made the consumer read line-a again")
        #expect(summary.partitionsRevokedWhileCounted == 2)
        let windows = try work.objects("windows.ndjson")
        #expect(windows.count == 1)
        #expect((windows.first?["window"] as? [String: Any])?["start"] as? String == "2026-11-26T00:00:00.000Z")
        #expect(windows.first?["count"] as? Int == 100, "each of the 100 records counted once")
    }
}
