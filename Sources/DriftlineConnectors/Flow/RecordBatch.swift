import DriftlineCore

/// One input partition of a source: a Kafka (topic, partition), or a whole MQTT subscription or file.
public struct PartitionID: Hashable, Sendable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32

    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public var description: String { "\(topic)[\(partition)]" }
}

/// Raw records handed from a connector's own thread to the engine, copied out of the transport's
/// buffers into one flat byte array (one allocation per batch, none per record).
public struct RecordBatch: Sendable {
    /// Where one record's bytes and metadata are.
    public struct Record: Sendable {
        /// Range of the payload in `RecordBatch.bytes`.
        public var payloadStart: Int
        public var payloadCount: Int
        /// Range of the record key in `bytes` (Kafka message key); count 0 for none.
        public var keyStart: Int
        public var keyCount: Int
        /// Range of the record's headers in `bytes`, in `RecordHeaders` form; count 0 for none.
        public var headersStart = 0
        public var headersCount = 0
        /// Index into `RecordBatch.topics`.
        public var topic: Int32
        public var partition: Int32
        /// Kafka offset, or a per-source sequence number for transports without offsets.
        public var offset: Int64
        /// The transport's timestamp (Kafka record time, MQTT arrival time), epoch milliseconds.
        public var timestamp: Int64?

        public init(
            payloadStart: Int, payloadCount: Int, keyStart: Int = 0, keyCount: Int = 0, topic: Int32,
            partition: Int32, offset: Int64, timestamp: Int64?
        ) {
            self.payloadStart = payloadStart
            self.payloadCount = payloadCount
            self.keyStart = keyStart
            self.keyCount = keyCount
            self.topic = topic
            self.partition = partition
            self.offset = offset
            self.timestamp = timestamp
        }
    }

    /// The topology source (by index) the records came from.
    public var source: Int
    /// Topic names the records refer to by index.
    public var topics: [String] = []
    public var records: [Record] = []
    public var bytes: [UInt8] = []
    /// The records decoded on the connector's thread (`SourceQueue.decode(_:)`), or nil when the
    /// engine decodes them.
    public var decoded: DecodedRecords?

    public init(source: Int, capacity: Int = 0) {
        self.source = source
        records.reserveCapacity(capacity)
    }

    /// Empties the batch for `source`, keeping the capacity of its storage.
    public mutating func reset(source: Int) {
        self.source = source
        topics.removeAll(keepingCapacity: true)
        records.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
        decoded?.events.reset()
    }

    /// Appends a record, copying its payload (and key); `headers` appends its headers with
    /// `RecordHeaders.append` to the bytes it is given.
    public mutating func append(
        payload: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer? = nil, topic: Int32, partition: Int32,
        offset: Int64, timestamp: Int64?, headers: ((inout [UInt8]) -> Void)? = nil
    ) {
        let payloadStart = bytes.count
        bytes.append(contentsOf: payload)
        let keyStart = bytes.count
        if let key { bytes.append(contentsOf: key) }
        let headersStart = bytes.count
        headers?(&bytes)
        var record = Record(
            payloadStart: payloadStart, payloadCount: payload.count, keyStart: keyStart, keyCount: key?.count ?? 0,
            topic: topic, partition: partition, offset: offset, timestamp: timestamp)
        record.headersStart = headersStart
        record.headersCount = bytes.count - headersStart
        records.append(record)
    }

    /// The index of `topic` in `topics`, adding it on first use.
    public mutating func topicIndex(_ topic: String) -> Int32 {
        if let index = topics.firstIndex(of: topic) { return Int32(index) }
        topics.append(topic)
        return Int32(topics.count - 1)
    }

    /// Calls `body` with each record's payload bytes.
    public func forEach(_ body: (Record, UnsafeRawBufferPointer) throws -> Void) rethrows {
        try forEachRecord { record, payload, _, _ in try body(record, payload) }
    }

    /// Calls `body` with each record's payload bytes, its key and its headers (nil when it has none).
    public func forEachRecord(
        from first: Int = 0,
        _ body: (Record, UnsafeRawBufferPointer, UnsafeRawBufferPointer?, UnsafeRawBufferPointer?) throws -> Void
    ) rethrows {
        try bytes.withUnsafeBytes { all in
            func range(_ start: Int, _ count: Int) -> UnsafeRawBufferPointer? {
                count == 0 ? nil : UnsafeRawBufferPointer(rebasing: all[start..<(start + count)])
            }
            for record in records[first...] {
                let payload = UnsafeRawBufferPointer(
                    rebasing: all[record.payloadStart..<(record.payloadStart + record.payloadCount)])
                try body(
                    record, payload, range(record.keyStart, record.keyCount),
                    range(record.headersStart, record.headersCount))
            }
        }
    }
}
