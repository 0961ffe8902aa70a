/// One result key: (model, version, a key set's segment values), and its open windows.
final class KeyState {
    let id: Int
    let profile: ModelProfile
    /// The key's segment, sorted by dimension name, empty for the whole-model rollup.
    let segment: [SegmentValue]
    /// Open windows, latest start first (a new window is almost always the latest).
    var windows: [WindowState] = []

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

/// Finds the `KeyState` of (model, version, key set, segment values) without building strings.
struct KeySpace {
    /// At most this many dimensions in one key set.
    static let maxDimensions = 4

    private struct Tuple: Hashable {
        var modelVersion: UInt64
        var setAndFirst: UInt64
        var second: UInt64
        var third: UInt64
    }

    private var keys: [Tuple: KeyState] = [:]
    private(set) var all: [KeyState] = []

    /// The key of `event` in key set `set` (dimension indices into `Event.segment`), creating it on
    /// first sight; nil when the event lacks one of the set's dimensions.
    @inline(__always)
    mutating func key(
        set: Int, dimensions: [Int], event: borrowing Event, profile: ModelProfile, names: [String],
        symbols: SymbolTable
    ) -> KeyState? {
        var values: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
        for (position, dimension) in dimensions.enumerated() {
            guard let value = event.segment[dimension] else { return nil }
            let raw = value.id &+ 1
            switch position {
            case 0: values.0 = raw
            case 1: values.1 = raw
            case 2: values.2 = raw
            default: values.3 = raw
            }
        }
        let tuple = Tuple(
            modelVersion: UInt64(profile.model.id) << 32 | UInt64(profile.version.id),
            setAndFirst: UInt64(set) << 32 | UInt64(values.0),
            second: UInt64(values.1) << 32 | UInt64(values.2),
            third: UInt64(values.3))
        if let key = keys[tuple] { return key }
        let segment = dimensions.map { SegmentValue(name: names[$0], value: symbols[event.segment[$0]!]) }
            .sorted { $0.name < $1.name }
        let key = KeyState(id: all.count, profile: profile, segment: segment)
        keys[tuple] = key
        all.append(key)
        return key
    }
}
