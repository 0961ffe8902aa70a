import DriftlineConnectors

/// Finds a topic's index in the batch being built from the topic's bytes, so an MQTT source makes a `String`
/// once per distinct topic per batch rather than once per message.
struct TopicLookup {
    /// Open-addressing table of indexes into `RecordBatch.topics`; -1 is empty. Its size is a power of two.
    private var slots = [Int32](repeating: -1, count: 64)
    /// The bytes of every topic in the batch, back to back; topic `i` ends at `ends[i]`.
    private var bytes: [UInt8] = []
    private var ends: [Int] = []
    private var hashes: [UInt64] = []

    /// The index of `topic` in `batch.topics`, adding it on first use.
    mutating func index(of topic: UnsafeRawBufferPointer, in batch: inout RecordBatch) -> Int32 {
        let hash = Self.hash(topic)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 {
            let index = Int(slots[slot])
            if hashes[index] == hash && storedTopic(index).elementsEqual(topic) { return Int32(index) }
            slot = (slot + 1) & mask
        }
        let index = Int32(batch.topics.count)
        batch.topics.append(String(decoding: topic, as: UTF8.self))
        bytes.append(contentsOf: topic)
        ends.append(bytes.count)
        hashes.append(hash)
        slots[slot] = index
        if ends.count * 2 > slots.count { rehash(capacity: slots.count * 2) }
        return index
    }

    /// Forgets every topic, keeping the storage, for the next batch.
    mutating func reset() {
        for index in slots.indices { slots[index] = -1 }
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        hashes.removeAll(keepingCapacity: true)
    }

    private func storedTopic(_ index: Int) -> ArraySlice<UInt8> {
        bytes[(index == 0 ? 0 : ends[index - 1])..<ends[index]]
    }

    private mutating func rehash(capacity: Int) {
        slots = [Int32](repeating: -1, count: capacity)
        let mask = capacity - 1
        for (index, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index)
        }
    }

    /// FNV-1a over the bytes.
    private static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
