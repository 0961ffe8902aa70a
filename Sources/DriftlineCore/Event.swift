/// Which of the contract's input shapes a record carries.
public enum EventKind: UInt8, Sendable, CaseIterable {
    /// One prediction served by a model.
    case inference
    /// Delayed ground truth for an earlier inference, joined by (model, request_id).
    case label
    /// Host or accelerator statistics of a serving process.
    case resource
}

/// A run of bytes inside an `Event`'s own text storage (`Event.text`).
public struct TextSlice: Equatable, Sendable {
    public var offset: Int32
    public var count: Int32

    public init(offset: Int32, count: Int32) {
        self.offset = offset
        self.count = count
    }
}

/// The value of a feature, a prediction or a label.
public enum Value: Equatable, Sendable {
    /// Absent or JSON `null`: counted as missing, never as zero.
    case missing
    /// A JSON number.
    case number(Double)
    /// A JSON string (or boolean, as `"true"`/`"false"`), its bytes kept in `Event.text`.
    case text(TextSlice)
}

/// One input feature of an inference event: its interned name and its value.
public struct FeatureValue: Equatable, Sendable {
    public var name: Symbol
    public var value: Value

    public init(name: Symbol, value: Value) {
        self.name = name
        self.value = value
    }
}

/// One decoded input record, in the contract's roles.
///
/// An `Event` is scratch space: a decoder fills the same value record after record, so its
/// arrays keep their capacity and decoding allocates nothing in steady state. Text values
/// (categories, classes, request ids) live in `text` and are referred to by `TextSlice`.
public struct Event: Sendable {
    public var kind: EventKind = .inference
    public var model: Symbol?
    public var version: Symbol?
    /// Event time, milliseconds since the Unix epoch.
    public var timestamp: Int64?
    public var requestID: TextSlice?
    /// Values of the segment dimensions, indexed like `FieldMapping.segmentDimensions`.
    public var segment: [Symbol?] = []
    public var features: [FeatureValue] = []
    public var prediction: Value = .missing
    public var label: Value = .missing
    public var score: Double?
    public var latencyMs: Double?
    public var host: Symbol?
    public var cpuPct: Double?
    public var memMB: Double?
    public var gpuPct: Double?
    public var gpuMemMB: Double?
    /// Backing bytes of every `TextSlice` in this event.
    public var text: [UInt8] = []

    public init(segmentDimensions: Int = 0) {
        segment = Array(repeating: nil, count: segmentDimensions)
        features.reserveCapacity(32)
        text.reserveCapacity(256)
    }

    /// Clears every role, keeping the capacity of the arrays.
    public mutating func reset() {
        resetRoles()
        features.removeAll(keepingCapacity: true)
        text.removeAll(keepingCapacity: true)
    }

    /// Clears every role but `features` and `text`, which a decoder replaces whole.
    mutating func resetRoles() {
        kind = .inference
        model = nil
        version = nil
        timestamp = nil
        requestID = nil
        for i in segment.indices { segment[i] = nil }
        prediction = .missing
        label = .missing
        score = nil
        latencyMs = nil
        host = nil
        cpuPct = nil
        memMB = nil
        gpuPct = nil
        gpuMemMB = nil
    }

    /// Appends bytes to `text` and returns the slice that names them.
    public mutating func appendText(_ bytes: UnsafeRawBufferPointer) -> TextSlice {
        let offset = Int32(text.count)
        text.append(contentsOf: bytes)
        return TextSlice(offset: offset, count: Int32(bytes.count))
    }

    /// Calls `body` with the bytes of `slice`.
    public func withText<R>(_ slice: TextSlice, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try text.withUnsafeBytes { all in
            try body(UnsafeRawBufferPointer(rebasing: all[Int(slice.offset)..<Int(slice.offset + slice.count)]))
        }
    }

    /// The text of `slice` as a `String` (for output and tests, not for the per-event path).
    public func string(_ slice: TextSlice) -> String {
        withText(slice) { String(decoding: $0, as: UTF8.self) }
    }
}
