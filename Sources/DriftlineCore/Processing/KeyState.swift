/// One result key: (model, version, a key set's segment values), and its open windows.
final class KeyState {
    let id: Int
    let profile: ModelProfile
    /// The key's segment, sorted by dimension name, empty for the whole-model rollup.
    let segment: [SegmentValue]
    /// Open windows, latest start first (a new window is almost always the latest).
    var windows: [WindowState] = []
    /// The watermark when the key's last open window was dropped; nil while it has one.
    var idleSince: Int64?

    init(id: Int, profile: ModelProfile, segment: [SegmentValue]) {
        self.id = id
        self.profile = profile
        self.segment = segment
    }

    /// The open window starting at `start`, if any.
    @inline(__always)
    func window(startingAt start: Int64) -> WindowState? {
        for window in windows where window.start == start { return window }
        return nil
    }

    func remove(_ window: WindowState) {
        windows.removeAll { $0 === window }
    }
}

/// Finds the `KeyState` of (model, version, key set, segment values) without building strings:
/// an open-addressing table over the interned ids, probed with a multiplicative hash.
struct KeySpace {
    /// At most this many dimensions in one key set.
    static let maxDimensions = 4

    private struct Tuple: Equatable {
        var modelVersion: UInt64
        var setAndFirst: UInt64
        var second: UInt64
        var third: UInt64

        var hash: Int {
            var h = modelVersion &* 0x9E37_79B9_7F4A_7C15
            h = (h ^ setAndFirst) &* 0xBF58_476D_1CE4_E5B9
            h = (h ^ second) &* 0x94D0_49BB_1331_11EB
            h = (h ^ third) &* 0x9E37_79B9_7F4A_7C15
            return Int(truncatingIfNeeded: h ^ (h >> 29))
        }
    }

    /// Indices into `Event.segment` of each key set's dimensions.
    private let dimensions: [[Int]]
    /// Names of the segment dimensions, in `Event.segment` order.
    private let names: [String]
    private let symbols: SymbolTable
    private var tuples: [Tuple] = []
    /// Key id + 1 per slot; 0 is empty.
    private var slots = [Int32](repeating: 0, count: 64)
    /// Keys by id; a forgotten key's entry stays until its id is reused.
    private(set) var all: [KeyState] = []
    /// Ids of forgotten keys, for new keys to reuse.
    private var freeIDs: [Int] = []

    /// How many keys are known (not forgotten).
    var count: Int { all.count - freeIDs.count }

    init(dimensions: [[Int]], names: [String], symbols: SymbolTable) {
        self.dimensions = dimensions
        self.names = names
        self.symbols = symbols
    }

    /// The tuple of `event`'s key in key set `set`; nil when the event lacks one of the set's dimensions.
    @inline(__always)
    private func tuple(set: Int, event: borrowing Event, model: Symbol, version: Symbol) -> Tuple? {
        var values: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
        var position = 0
        for dimension in dimensions[set] {
            guard let value = event.segment[dimension] else { return nil }
            let raw = value.id &+ 1
            switch position {
            case 0: values.0 = raw
            case 1: values.1 = raw
            case 2: values.2 = raw
            default: values.3 = raw
            }
            position += 1
        }
        return Tuple(
            modelVersion: UInt64(model.id) << 32 | UInt64(version.id),
            setAndFirst: UInt64(set) << 32 | UInt64(values.0),
            second: UInt64(values.1) << 32 | UInt64(values.2),
            third: UInt64(values.3))
    }

    /// How many keys `event` of (`model`, `version`) would add: one per key set whose dimensions
    /// it has and whose key is not held yet.
    func newKeys(event: borrowing Event, model: Symbol, version: Symbol) -> Int {
        var new = 0
        let mask = slots.count - 1
        for set in dimensions.indices {
            guard let tuple = tuple(set: set, event: event, model: model, version: version) else { continue }
            var slot = tuple.hash & mask
            var found = false
            while slots[slot] != 0 {
                if tuples[Int(slots[slot] - 1)] == tuple {
                    found = true
                    break
                }
                slot = (slot + 1) & mask
            }
            if !found { new += 1 }
        }
        return new
    }

    /// The key of `event` in key set `set`, creating it on first sight; nil when the event lacks
    /// one of the set's dimensions.
    @inline(__always)
    mutating func key(set: Int, event: borrowing Event, profile: ModelProfile) -> KeyState? {
        guard let tuple = tuple(set: set, event: event, model: profile.model, version: profile.version) else {
            return nil
        }
        let mask = slots.count - 1
        var slot = tuple.hash & mask
        while slots[slot] != 0 {
            let id = Int(slots[slot] - 1)
            if tuples[id] == tuple { return all[id] }
            slot = (slot + 1) & mask
        }
        // A value the decoder did not intern names no string: such an event is refused at the key
        // limit before it gets here (`EventDecoder.internsNewSegmentValues`).
        guard !dimensions[set].contains(where: { event.segment[$0] == .unseen }) else { return nil }
        let segment = dimensions[set].map { SegmentValue(name: names[$0], value: symbols[event.segment[$0]!]) }
            .sorted { $0.name < $1.name }
        let id = freeIDs.popLast() ?? all.count
        let key = KeyState(id: id, profile: profile, segment: segment)
        if id == all.count {
            all.append(key)
            tuples.append(tuple)
        } else {
            all[id] = key
            tuples[id] = tuple
        }
        slots[slot] = Int32(id + 1)
        if count * 2 > slots.count { grow() }
        return key
    }

    /// The keys known (not forgotten), by id.
    var known: [KeyState] {
        let free = Set(freeIDs)
        return all.filter { !free.contains($0.id) }
    }

    /// The interned ids `key` is found by, as four words (a checkpoint's `Key.tuple`).
    func tupleWords(of key: KeyState) -> [UInt64] {
        let tuple = tuples[key.id]
        return [tuple.modelVersion, tuple.setAndFirst, tuple.second, tuple.third]
    }

    /// Adds a key found by `words` (from `tupleWords(of:)`, over the same symbol ids) under the
    /// next id, as a checkpoint held it.
    mutating func restore(words: [UInt64], profile: ModelProfile, segment: [SegmentValue]) -> KeyState {
        let tuple = Tuple(modelVersion: words[0], setAndFirst: words[1], second: words[2], third: words[3])
        let key = KeyState(id: all.count, profile: profile, segment: segment)
        all.append(key)
        tuples.append(tuple)
        if count * 2 > slots.count { grow() }
        let mask = slots.count - 1
        var slot = tuple.hash & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(key.id + 1)
        return key
    }

    /// Forgets `key`: it is no longer found, and its id goes to the next new key.
    mutating func remove(_ key: KeyState) {
        let mask = slots.count - 1
        var slot = tuples[key.id].hash & mask
        while slots[slot] != Int32(key.id + 1) {
            guard slots[slot] != 0 else { return }
            slot = (slot + 1) & mask
        }
        let tuples = tuples
        LinearProbing.remove(at: slot, in: &slots, empty: 0, isEmpty: { $0 == 0 }) { tuples[Int($0 - 1)].hash & mask }
        freeIDs.append(key.id)
    }

    private mutating func grow() {
        slots = [Int32](repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        let free = Set(freeIDs)
        for (id, tuple) in tuples.enumerated() where !free.contains(id) {
            var slot = tuple.hash & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(id + 1)
        }
    }
}
