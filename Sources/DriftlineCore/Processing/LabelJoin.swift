/// Inferences waiting for their delayed label, joined by (model, request_id) within a bound in event time.
///
/// Entries are kept in arrival order; the oldest leave first, when the watermark has passed their
/// label horizon or when the table is full. Request ids are stored once, in a byte arena, and
/// found through a 64-bit hash that is verified against the stored bytes: two distinct ids with
/// the same hash cannot both wait, and the older one is then counted as evicted.
struct LabelJoin {
    /// What a label needs to find its inference's windows again.
    struct Pending {
        var model: Symbol
        var hash: UInt64
        var requestOffset: Int
        var requestCount: Int
        var timestamp: Int64
        var profile: ModelProfile
        /// The predicted class index, or -1 for regressors.
        var predictedClass: Int
        var predictedValue: Double
        /// Keys of the inference, `keysPerEntry` of them starting at `keyOffset`; nil slots are -1.
        var keyOffset: Int
        var alive: Bool
    }

    private struct Index: Hashable {
        var model: UInt32
        var hash: UInt64
    }

    let capacity: Int
    let keysPerEntry: Int
    private var entries: [Pending] = []
    private var keyIDs: [Int32] = []
    private var requestBytes: [UInt8] = []
    /// Entries before `head` are gone; positions are `sequence - base`.
    private var head = 0
    private var base = 0
    private var byteBase = 0
    private var index: [Index: Int] = [:]
    private(set) var waiting = 0

    init(capacity: Int, keysPerEntry: Int) {
        self.capacity = capacity
        self.keysPerEntry = keysPerEntry
    }

    /// Adds an inference; returns how many older entries had to leave unlabelled to make room.
    mutating func add(
        model: Symbol, requestID: UnsafeRawBufferPointer, timestamp: Int64, profile: ModelProfile,
        predictedClass: Int, predictedValue: Double, keys: [Int32]
    ) -> Int {
        var evicted = 0
        while waiting >= capacity {
            if popOldest() { evicted += 1 }
        }
        let hash = SymbolTable.hash(requestID)
        let indexKey = Index(model: model.id, hash: hash)
        if let previous = index[indexKey] {
            // A repeated request id (or a hash collision): the older inference leaves unlabelled.
            entries[previous - base].alive = false
            waiting -= 1
            evicted += 1
        }
        let sequence = base + entries.count
        entries.append(
            Pending(
                model: model, hash: hash, requestOffset: byteBase + requestBytes.count, requestCount: requestID.count,
                timestamp: timestamp, profile: profile, predictedClass: predictedClass, predictedValue: predictedValue,
                keyOffset: (base + entries.count) * keysPerEntry, alive: true))
        requestBytes.append(contentsOf: requestID)
        keyIDs.append(contentsOf: keys)
        index[indexKey] = sequence
        waiting += 1
        return evicted
    }

    /// Takes the inference waiting for (model, request id), if any.
    mutating func take(model: Symbol, requestID: UnsafeRawBufferPointer) -> (Pending, ArraySlice<Int32>)? {
        let indexKey = Index(model: model.id, hash: SymbolTable.hash(requestID))
        guard let sequence = index[indexKey] else { return nil }
        let position = sequence - base
        let entry = entries[position]
        let stored = requestBytes.withUnsafeBytes { all in
            UnsafeRawBufferPointer(rebasing: all[(entry.requestOffset - byteBase)..<(entry.requestOffset - byteBase + entry.requestCount)])
        }
        guard stored.elementsEqual(requestID) else { return nil }
        index[indexKey] = nil
        entries[position].alive = false
        waiting -= 1
        let start = entry.keyOffset - base * keysPerEntry
        return (entry, keyIDs[start..<(start + keysPerEntry)])
    }

    /// Lets every entry whose label horizon the watermark has passed leave; returns how many were
    /// still waiting (never labelled).
    mutating func expire(before horizon: Int64) -> Int {
        var expired = 0
        while head < entries.count, !entries[head].alive || entries[head].timestamp < horizon {
            if entries[head].alive { expired += 1 }
            _ = popOldest()
        }
        return expired
    }

    /// Removes the oldest entry; returns whether it was still waiting.
    private mutating func popOldest() -> Bool {
        guard head < entries.count else { return false }
        let entry = entries[head]
        if entry.alive {
            index[Index(model: entry.model.id, hash: entry.hash)] = nil
            waiting -= 1
        }
        head += 1
        if head >= 4096 && head * 2 >= entries.count { compact() }
        return entry.alive
    }

    private mutating func compact() {
        let bytesGone = head < entries.count ? entries[head].requestOffset - byteBase : requestBytes.count
        entries.removeFirst(head)
        keyIDs.removeFirst(head * keysPerEntry)
        requestBytes.removeFirst(bytesGone)
        base += head
        byteBase += bytesGone
        head = 0
    }
}
