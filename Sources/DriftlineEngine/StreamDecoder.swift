import DriftlineConnectors
import DriftlineCore

/// Decodes a streaming source's record batches on its connector's thread (Kafka's consumer thread,
/// MQTT's network thread), so the engine's thread only processes them: installed with
/// `SourceQueue.setDecoder(_:forSource:)`.
final class StreamDecoder: RecordDecoding, @unchecked Sendable {
    // @unchecked: `decode(_:)` runs on the source's connector thread only (see `SourceQueue.decode`),
    // so the decoder, the topic bindings and the scratch event are used by one thread.

    private let decoder: EventDecoder
    /// MQTT: the topic templates whose placeholders set roles.
    private var topics: [TopicBinding]
    private let symbols: SymbolTable
    private var event: Event

    init(decoder: EventDecoder, topics: [TopicBinding], symbols: SymbolTable, segmentDimensions: Int) {
        self.decoder = decoder
        self.topics = topics
        self.symbols = symbols
        event = Event(segmentDimensions: segmentDimensions)
    }

    func decode(_ batch: inout RecordBatch) {
        let decoded = batch.decoded ?? DecodedRecords()
        batch.decoded = decoded
        let events = decoded.events
        guard events.count < batch.records.count else { return }
        let now = Pipeline.now()
        // Records come in runs per topic: its name is looked up when the run changes.
        var run: Int32 = -1
        var topic = ""
        batch.forEachRecord(from: events.count) { record, payload, key, headers in
            if record.topic != run {
                run = record.topic
                topic = batch.topics[Int(record.topic)]
            }
            do throws(DecodeError) {
                try decoder.decode(
                    payload, context: RecordContext(recordTime: record.timestamp ?? now, key: key, headers: headers),
                    position: record.offset, appendingTo: events, scratch: &event
                ) { event in
                    for index in topics.indices where topics[index].apply(topic: topic, to: &event, symbols: symbols) {
                        break
                    }
                }
            } catch {
                if payload.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                    events.appendBlank(payload, position: record.offset)
                } else {
                    events.append(payload, position: record.offset, failedWith: "\(error.code)", message: error.message)
                }
            }
        }
    }
}
