public import DriftlineCore

/// What the generator knows about the line it just wrote: ground truth for tests.
public struct GeneratedEvent: Sendable, Equatable {
    /// Inference, label or resource.
    public var kind: EventKind
    /// The event's `ts`, epoch milliseconds.
    public var timestampMs: Int64
    /// Index into the scenario's `models`.
    public var modelIndex: Int
    /// The number in `request_id` (`r-` and at least 9 digits) of an inference or label; nil for resources.
    public var requestNumber: UInt64?
    /// Index into the scenario's lines, for inferences.
    public var lineIndex: Int?
    /// Index into the scenario's resource hosts, for resource events.
    public var hostIndex: Int?
    /// For an inference whose label comes later, the delay of its label event in milliseconds.
    public var labelDelayMs: Int64?
    /// For an inference, bit i is set when the scenario's `drifts[i]` applied to it.
    public var activeDrifts: UInt64

    /// A description of one generated line.
    public init(
        kind: EventKind, timestampMs: Int64, modelIndex: Int, requestNumber: UInt64? = nil,
        lineIndex: Int? = nil, hostIndex: Int? = nil, labelDelayMs: Int64? = nil, activeDrifts: UInt64 = 0
    ) {
        self.kind = kind
        self.timestampMs = timestampMs
        self.modelIndex = modelIndex
        self.requestNumber = requestNumber
        self.lineIndex = lineIndex
        self.hostIndex = hostIndex
        self.labelDelayMs = labelDelayMs
        self.activeDrifts = activeDrifts
    }
}
