/// The (model, version, request_id) of the inferences counted lately, so a repeat (a producer's
/// retry, a broker's redelivery) is told from a new inference: the first counts, a repeat within
/// the horizon is a duplicate.
///
/// Only 64-bit hashes are kept (two distinct ids share one with odds of about one in 10¹³ at a
/// million held), in arrival order with an open-addressing index; the oldest leave when the
/// watermark has passed their horizon or when `capacity` are held.
struct RecentRequests {
    private struct Entry {
        var hash: UInt64
        var timestamp: Int64
    }

    let capacity: Int
    private var entries: [Entry] = []
    /// Entries before `head` are gone.
    private var head = 0
    /// Hashes of the held entries; 0 is an empty slot (hashes are made odd, never 0).
    private var index = [UInt64](repeating: 0, count: 1024)

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// How many requests are held.
    var count: Int { entries.count - head }

    /// The hash a request is held under.
    static func hash(model: Symbol, version: Symbol, requestID: UnsafeRawBufferPointer) -> UInt64 {
        (SymbolTable.hash(requestID) ^ UInt64(model.id) &* 0x9E37_79B9_7F4A_7C15
            ^ UInt64(version.id) &* 0xC2B2_AE3D_27D4_EB4F) | 1
    }

    /// The held requests' hashes and times, in arrival order.
    var held: [(hash: UInt64, timestamp: Int64)] { entries[head...].map { ($0.hash, $0.timestamp) } }

    /// Whether a request of `hash` is held.
    func contains(_ hash: UInt64) -> Bool {
        var slot = home(hash)
        while index[slot] != 0 {
            if index[slot] == hash { return true }
            slot = (slot + 1) & (index.count - 1)
        }
        return false
    }

    /// Holds a request of `hash` (not held yet) seen at `timestamp`, letting the oldest go when full.
    mutating func insert(_ hash: UInt64, timestamp: Int64) {
        while count >= capacity { popOldest() }
        if (count + 1) * 2 > index.count { rebuildIndex(size: index.count * 2) }
        var slot = home(hash)
        while index[slot] != 0 { slot = (slot + 1) & (index.count - 1) }
        index[slot] = hash
        entries.append(Entry(hash: hash, timestamp: timestamp))
    }

    /// Lets go of the requests seen before `horizon` (oldest first, in arrival order).
    mutating func expire(before horizon: Int64) {
        while head < entries.count, entries[head].timestamp < horizon { popOldest() }
    }

    private func home(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: hash >> 1) & (index.count - 1) }

    private mutating func popOldest() {
        let hash = entries[head].hash
        var slot = home(hash)
        while index[slot] != hash { slot = (slot + 1) & (index.count - 1) }
        let mask = index.count - 1
        LinearProbing.remove(
            at: slot, in: &index, empty: 0, isEmpty: { $0 == 0 }, home: { Int(truncatingIfNeeded: $0 >> 1) & mask })
        head += 1
        if head >= 4096 && head * 2 >= entries.count {
            entries.removeFirst(head)
            head = 0
        }
    }

    private mutating func rebuildIndex(size: Int) {
        index = [UInt64](repeating: 0, count: size)
        for entry in entries[head...] {
            var slot = home(entry.hash)
            while index[slot] != 0 { slot = (slot + 1) & (size - 1) }
            index[slot] = entry.hash
        }
    }
}
