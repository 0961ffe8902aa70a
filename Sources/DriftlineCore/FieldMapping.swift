/// Where one contract role sits in a source's payload.
public enum FieldSource: Equatable, Sendable {
    /// An RFC 6901 JSON Pointer into the payload, e.g. `/meta/model_id`.
    case pointer(String)
    /// The same value for every record of the source, e.g. `version: "3.2.0"`.
    case constant(String)
    /// The timestamp the transport gives the record (Kafka record time, MQTT arrival time).
    case recordTime
    /// The transport's record key (a Kafka message key), for the identity roles: model, version,
    /// host, request_id and segment dimensions.
    case recordKey
    /// The value of a transport header (a Kafka record header) of this name, for the same roles.
    case recordHeader(String)
}

/// How a source's payload maps onto the contract's roles (see the contract's "Field mapping").
///
/// `FieldMapping.contract` is the contract's own shape; a topology overrides single roles.
public struct FieldMapping: Equatable, Sendable {
    /// The `type` discriminator; ignored when `fixedKind` is set.
    public var kind: FieldSource? = .pointer("/type")
    /// The kind of every record, for sources that carry one kind only.
    public var fixedKind: EventKind?
    public var model: FieldSource? = .pointer("/model")
    public var version: FieldSource? = .pointer("/version")
    public var timestamp: FieldSource? = .pointer("/ts")
    public var requestID: FieldSource? = .pointer("/request_id")
    /// An object whose members are the features (name -> number, string, boolean or null).
    public var features: FieldSource? = .pointer("/features")
    public var prediction: FieldSource? = .pointer("/prediction")
    public var score: FieldSource? = .pointer("/score")
    public var latencyMs: FieldSource? = .pointer("/latency_ms")
    public var label: FieldSource? = .pointer("/label")
    public var host: FieldSource? = .pointer("/host")
    public var cpuPct: FieldSource? = .pointer("/cpu_pct")
    public var memMB: FieldSource? = .pointer("/mem_mb")
    public var gpuPct: FieldSource? = .pointer("/gpu_pct")
    public var gpuMemMB: FieldSource? = .pointer("/gpu_mem_mb")
    /// An object whose members are segment dimensions (name -> value).
    public var segment: FieldSource? = .pointer("/segment")
    /// Segment dimensions taken from their own places; these win over members of `segment`.
    public var segmentFields: [String: FieldSource] = [:]
    /// The segment dimensions the engine keys by, in the order of `Event.segment`.
    public var segmentDimensions: [String]

    /// The contract's own payload shape, keeping the given segment dimensions.
    public init(segmentDimensions: [String]) {
        self.segmentDimensions = segmentDimensions
    }

    /// The contract's own payload shape, keeping the given segment dimensions.
    public static func contract(segmentDimensions: [String]) -> FieldMapping {
        FieldMapping(segmentDimensions: segmentDimensions)
    }
}

/// What the transport knows about a record besides its payload.
///
/// Lives for one `decode` call on the caller's thread: `key` points into the transport's buffer.
public struct RecordContext {
    /// The transport's timestamp of the record in epoch milliseconds (Kafka record time, or
    /// arrival time), used by roles mapped to `FieldSource.recordTime` and by processing-time mode.
    public var recordTime: Int64?
    /// The record's key (Kafka message key), used by roles mapped to `FieldSource.recordKey`.
    public var key: UnsafeRawBufferPointer?
    /// The record's headers in `RecordHeaders` form, used by roles mapped to `FieldSource.recordHeader`.
    public var headers: UnsafeRawBufferPointer?

    public init(recordTime: Int64? = nil, key: UnsafeRawBufferPointer? = nil, headers: UnsafeRawBufferPointer? = nil) {
        self.recordTime = recordTime
        self.key = key
        self.headers = headers
    }
}
