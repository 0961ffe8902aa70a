import DriftlineCore

/// A contract role a source's `mapping` can place, by its key in the topology file.
enum MappingRole: String, CaseIterable {
    case type, model, version, ts
    case requestID = "request_id"
    case features, prediction, score
    case latencyMs = "latency_ms"
    case label, host
    case cpuPct = "cpu_pct"
    case memMB = "mem_mb"
    case gpuPct = "gpu_pct"
    case gpuMemMB = "gpu_mem_mb"
    case segment

    /// The `FieldMapping` property the role sets.
    var keyPath: WritableKeyPath<FieldMapping, FieldSource?> {
        switch self {
        case .type: \.kind
        case .model: \.model
        case .version: \.version
        case .ts: \.timestamp
        case .requestID: \.requestID
        case .features: \.features
        case .prediction: \.prediction
        case .score: \.score
        case .latencyMs: \.latencyMs
        case .label: \.label
        case .host: \.host
        case .cpuPct: \.cpuPct
        case .memMB: \.memMB
        case .gpuPct: \.gpuPct
        case .gpuMemMB: \.gpuMemMB
        case .segment: \.segment
        }
    }

    /// Whether a source may give the role one constant value: only identity roles, since a
    /// constant measurement, request id, feature set or label would be meaningless.
    var allowsConstant: Bool {
        switch self {
        case .type, .model, .version, .host: true
        default: false
        }
    }

    /// Whether the role may take the transport's record time; only the timestamp can.
    var allowsRecordTime: Bool { self == .ts }

    /// Whether the role may take the transport's record key (a Kafka message key).
    var allowsRecordKey: Bool {
        switch self {
        case .model, .version, .host, .requestID: true
        default: false
        }
    }
}
