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

    let capacity: Int
    let keysPerEntry: Int
    private var entries: [Pending] = []
    private var keyIDs: [Int32] = []
    private var requestBytes: [UInt8] = []
    /// Entries before `head` are gone; positions are `sequence - base`.
    private var head = 0
    private var base = 0
    private var byteBase = 0
    /// One slot of the index: the entry's sequence + 1 (0 for empty) and its hash, kept here so
    /// probing never touches the (large, cold) entries it passes over.
    private struct Slot {
        var sequence: Int
        var hash: UInt64
    }

    /// Open-addressing index over the waiting entries.
    private var index = [Slot](repeating: Slot(sequence: 0, hash: 0), count: 1024)
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
        let hash = Self.hash(model: model, requestID: requestID)
        if let slot = find(model: model, hash: hash) {
            // A repeated request id (or a hash collision): the older inference leaves unlabelled.
            entries[index[slot].sequence - 1 - base].alive = false
            removeSlot(slot)
            waiting -= 1
            evicted += 1
        }
        let sequence = base + entries.count
        insert(sequence, hash: hash)
        entries.append(
            Pending(
                model: model, hash: hash, requestOffset: byteBase + requestBytes.count, requestCount: requestID.count,
                timestamp: timestamp, profile: profile, predictedClass: predictedClass, predictedValue: predictedValue,
                keyOffset: (base + entries.count) * keysPerEntry, alive: true))
        requestBytes.append(contentsOf: requestID)
        keyIDs.append(contentsOf: keys)
        waiting += 1
        return evicted
    }

    /// Takes the inference waiting for (model, request id), if any.
    mutating func take(model: Symbol, requestID: UnsafeRawBufferPointer) -> (Pending, ArraySlice<Int32>)? {
        guard let slot = find(model: model, hash: Self.hash(model: model, requestID: requestID)) else { return nil }
        let position = index[slot].sequence - 1 - base
        let entry = entries[position]
        let stored = requestBytes.withUnsafeBytes { all in
            UnsafeRawBufferPointer(
                rebasing: all[(entry.requestOffset - byteBase)..<(entry.requestOffset - byteBase + entry.requestCount)])
        }
        guard stored.elementsEqual(requestID) else { return nil }
        removeSlot(slot)
        entries[position].alive = false
        waiting -= 1
        let start = entry.keyOffset - base * keysPerEntry
        return (entry, keyIDs[start..<(start + keysPerEntry)])
    }

    /// The inferences waiting, in arrival order, each with its request id and keys.
    func waitingEntries() -> [(entry: Pending, requestID: [UInt8], keys: ArraySlice<Int32>)] {
        entries[head...].filter(\.alive).map { entry in
            let bytes = entry.requestOffset - byteBase
            let keys = entry.keyOffset - base * keysPerEntry
            return (
                entry, Array(requestBytes[bytes..<(bytes + entry.requestCount)]), keyIDs[keys..<(keys + keysPerEntry)]
            )
        }
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
        if entry.alive, let slot = find(model: entry.model, hash: entry.hash) {
            removeSlot(slot)
            waiting -= 1
        }
        head += 1
        if head >= 4096 && head * 2 >= entries.count { compact() }
        return entry.alive
    }

    private static func hash(model: Symbol, requestID: UnsafeRawBufferPointer) -> UInt64 {
        SymbolTable.hash(requestID) ^ (UInt64(model.id) &* 0x9E37_79B9_7F4A_7C15)
    }

    private func home(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: hash) & (index.count - 1) }

    /// The slot holding the entry with `hash` of `model`, if one waits.
    private func find(model: Symbol, hash: UInt64) -> Int? {
        var slot = home(hash)
        while index[slot].sequence != 0 {
            if index[slot].hash == hash && entries[index[slot].sequence - 1 - base].model == model { return slot }
            slot = (slot + 1) & (index.count - 1)
        }
        return nil
    }

    /// Indexes a new entry; call before appending it, so a rebuild does not index it twice.
    private mutating func insert(_ sequence: Int, hash: UInt64) {
        if (waiting + 1) * 2 > index.count { rebuildIndex(size: index.count * 2) }
        var slot = home(hash)
        while index[slot].sequence != 0 { slot = (slot + 1) & (index.count - 1) }
        index[slot] = Slot(sequence: sequence + 1, hash: hash)
    }

    /// Empties a slot (see `LinearProbing.remove`).
    private mutating func removeSlot(_ slot: Int) {
        let mask = index.count - 1
        LinearProbing.remove(
            at: slot, in: &index, empty: Slot(sequence: 0, hash: 0), isEmpty: { $0.sequence == 0 },
            home: { Int(truncatingIfNeeded: $0.hash) & mask })
    }

    private mutating func rebuildIndex(size: Int) {
        index = [Slot](repeating: Slot(sequence: 0, hash: 0), count: size)
        for position in head..<entries.count where entries[position].alive {
            var slot = home(entries[position].hash)
            while index[slot].sequence != 0 { slot = (slot + 1) & (size - 1) }
            index[slot] = Slot(sequence: base + position + 1, hash: entries[position].hash)
        }
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
