// Kafka consume throughput: KafkaConsumer draining pre-produced records from librdkafka's mock
// cluster into a SourceQueue, with a minimal engine thread taking the batches. Build in release mode.
//
//     kafka-consume [records=1000000] [partitions=64] [payload-bytes=300]
//
// The mock keeps only ~5 MiB per partition and drops older records silently, so every record is
// checked off end to end (count and contiguous offsets per partition); a shortfall fails the run.
// The clock runs from the first record the engine takes to the last (the group join is excluded).
import DriftlineConnectors
import DriftlineKafka
import Foundation
import Synchronization

let arguments = CommandLine.arguments.dropFirst().map { Int($0)! }
let total = arguments.count > 0 ? arguments[0] : 1_000_000
let partitions = arguments.count > 1 ? arguments[1] : 64
let payloadSize = arguments.count > 2 ? arguments[2] : 300

let cluster = try MockKafkaCluster(brokers: 3)
try cluster.createTopic("telemetry", partitions: partitions)
let producer = try KafkaProducer(
    properties: KafkaProperties([
        "bootstrap.servers": cluster.bootstrapServers, "linger.ms": "20", "batch.num.messages": "10000",
        "queue.buffering.max.kbytes": "262144", "sticky.partitioning.linger.ms": "0",
    ]))
let payload = [UInt8](repeating: UInt8(ascii: "x"), count: payloadSize)
let produceStart = ContinuousClock.now
for index in 0..<total {
    try producer.produce(topic: "telemetry", key: "k\(index)", value: payload)
}
guard producer.flush(timeout: .seconds(300)) else { fatalError("the producer did not flush") }
let produceTime = ContinuousClock.now - produceStart
producer.close()

/// The engine stand-in: counts records, checks offsets are contiguous per partition from 0.
final class Drain: Sendable {
    struct State {
        var records = 0
        var next: [Int64]
        var gaps = 0
        var first: ContinuousClock.Instant?
        var last: ContinuousClock.Instant?
    }
    let state: Mutex<State>
    init(partitions: Int) { state = Mutex(State(next: [Int64](repeating: 0, count: partitions))) }
}
let drain = Drain(partitions: partitions)
let queue = SourceQueue()
let consumer = try KafkaConsumer(
    properties: KafkaProperties([
        "bootstrap.servers": cluster.bootstrapServers, "group.id": "throughput",
    ]),
    topics: ["telemetry"], source: 0, queue: queue)
Thread {
    while let message = queue.take(timeout: .seconds(3600)) {
        guard case .records(let batch) = message else { continue }
        var checksum = 0
        drain.state.withLock { state in
            if state.first == nil { state.first = .now }
            batch.forEach { record, payload in
                checksum &+= Int(payload[0])
                if record.offset != state.next[Int(record.partition)] { state.gaps += 1 }
                state.next[Int(record.partition)] = record.offset + 1
            }
            state.records += batch.records.count
            state.last = .now
        }
        precondition(checksum == batch.records.count * Int(UInt8(ascii: "x")))
    }
}.start()
try consumer.start()
let deadline = ContinuousClock.now + .seconds(120)
while drain.state.withLock({ $0.records }) < total && ContinuousClock.now < deadline {
    Thread.sleep(forTimeInterval: 0.01)
}
consumer.stop()
let result = drain.state.withLock { $0 }
let elapsed = result.last.map { $0 - result.first! } ?? .zero
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print(
    """
    produced \(total) × \(payloadSize) B into \(partitions) partitions in \(produceTime) \
    (delivery failures \(producer.counters.failed))
    consumed \(result.records) records, offset gaps \(result.gaps), in \(String(format: "%.3f", seconds)) s: \
    \(Int(Double(result.records) / seconds)) msgs/s, \
    \(String(format: "%.0f", Double(result.records * payloadSize) / seconds / 1e6)) MB/s of payload
    consumer counters: \(consumer.counters)
    """)
if result.records != total || result.gaps != 0 {
    print("FAILED: expected \(total) records without gaps (the mock keeps only ~5 MiB per partition)")
    exit(1)
}
