/// A `FieldMapping` compiled once for the per-event pass: every pointer becomes a path in a small
/// trie of member names (matched as bytes) and array indices, and every constant is resolved.
struct DecodePlan {
    /// A contract role that a mapping places somewhere.
    enum Role: UInt8 {
        case kind, model, version, timestamp, requestID, features, prediction, score, latencyMs, label
        case host, cpuPct, memMB, gpuPct, gpuMemMB, segment, segmentField
    }

    /// One role to fill; `dimension` indexes `segmentDimensions` for `.segmentField`.
    struct Target: Equatable {
        var role: Role
        var dimension: Int32 = -1
    }

    /// A position in the payload that some pointer passes through or ends at.
    struct Node {
        /// The member name this node matches, as a range of `keyBytes`.
        var keyStart: Int32 = 0
        var keyCount: Int32 = 0
        /// The array index this node matches, or -1 when its token is not an index.
        var index: Int32 = -1
        /// This node's children, as a range of `children`.
        var firstChild: Int32 = 0
        var childCount: Int32 = 0
        /// The roles whose value sits here, as a range of `targets`.
        var firstTarget: Int32 = 0
        var targetCount: Int32 = 0
        /// Every member of the object here is a feature.
        var collectsFeatures = false
        /// The members of the object here named like a segment dimension fill that dimension.
        var collectsSegment = false
    }

    /// A role's value fixed by the mapping.
    enum Constant {
        case kind(EventKind)
        case symbol(Symbol)
        case text([UInt8])
        case number(Double)
        case timestamp(Int64)
    }

    /// The trie; node 0 is the whole document.
    private(set) var nodes: [Node] = []
    private(set) var children: [Int32] = []
    private(set) var targets: [Target] = []
    private(set) var keyBytes: [UInt8] = []
    /// Each segment dimension's name, as a range of `keyBytes`.
    private(set) var dimensions: [(start: Int32, count: Int32)] = []
    private(set) var constants: [(target: Target, value: Constant)] = []
    /// The timestamp comes from the record's transport.
    private(set) var takesRecordTime = false
    /// Roles taken from the record key.
    private(set) var recordKeyTargets: [Target] = []
    /// Roles taken from a record header, with the header's name.
    private(set) var recordHeaderTargets: [(target: Target, name: [UInt8])] = []

    init(mapping: FieldMapping, symbols: SymbolTable) throws(MappingError) {
        var sources: [(Target, FieldSource?)] = [
            (Target(role: .kind), mapping.fixedKind == nil ? mapping.kind : nil),
            (Target(role: .model), mapping.model), (Target(role: .version), mapping.version),
            (Target(role: .timestamp), mapping.timestamp), (Target(role: .requestID), mapping.requestID),
            (Target(role: .features), mapping.features), (Target(role: .prediction), mapping.prediction),
            (Target(role: .score), mapping.score), (Target(role: .latencyMs), mapping.latencyMs),
            (Target(role: .label), mapping.label), (Target(role: .host), mapping.host),
            (Target(role: .cpuPct), mapping.cpuPct), (Target(role: .memMB), mapping.memMB),
            (Target(role: .gpuPct), mapping.gpuPct), (Target(role: .gpuMemMB), mapping.gpuMemMB),
            (Target(role: .segment), mapping.segmentDimensions.isEmpty ? nil : mapping.segment),
        ]
        for (name, source) in mapping.segmentFields.sorted(by: { $0.key < $1.key }) {
            guard let dimension = mapping.segmentDimensions.firstIndex(of: name) else {
                throw MappingError(
                    code: .unknownDimension,
                    message: "segment field '\(name)' is not one of the segment dimensions "
                        + "\(mapping.segmentDimensions); add it to them or remove the field")
            }
            sources.append((Target(role: .segmentField, dimension: Int32(dimension)), source))
        }

        var trie = [(token: [UInt8], children: [Int], targets: [Target])]()
        trie.append(([], [], []))
        for (target, source) in sources {
            let name = Self.name(of: target, dimensions: mapping.segmentDimensions)
            switch source {
            case nil:
                continue
            case .pointer(let text):
                guard let pointer = JSONPointer(text) else {
                    throw MappingError(
                        code: .invalidPointer,
                        message: "role '\(name)': '\(text)' is not a JSON Pointer (RFC 6901): it must be empty or "
                            + "start with '/', and '~' must be followed by '0' or '1' (write '~1' for '/', '~0' for '~')"
                    )
                }
                var node = 0
                for token in pointer.tokens {
                    if let child = trie[node].children.first(where: { trie[$0].token == token }) {
                        node = child
                    } else {
                        trie.append((token, [], []))
                        trie[node].children.append(trie.count - 1)
                        node = trie.count - 1
                    }
                }
                trie[node].targets.append(target)
            case .constant(let text):
                constants.append((target, try Self.constant(text, for: target, named: name, symbols: symbols)))
            case .recordTime:
                guard target.role == .timestamp else {
                    throw MappingError(
                        code: .unsupportedSource,
                        message: "role '\(name)' cannot take the record time; only 'ts' can")
                }
                takesRecordTime = true
            case .recordKey, .recordHeader:
                switch target.role {
                case .model, .version, .host, .segmentField, .requestID: break
                default:
                    throw MappingError(
                        code: .unsupportedSource,
                        message: "role '\(name)' cannot take the record key or a header; model, version, host, "
                            + "request_id and segment dimensions can")
                }
                if case .recordHeader(let header) = source {
                    recordHeaderTargets.append((target, Array(header.utf8)))
                } else {
                    recordKeyTargets.append(target)
                }
            }
        }

        for (token, childList, targetList) in trie {
            var node = Node()
            node.keyStart = Int32(keyBytes.count)
            node.keyCount = Int32(token.count)
            keyBytes.append(contentsOf: token)
            node.index = JSONPointer.arrayIndex(token).map { Int32($0) } ?? -1
            node.firstChild = Int32(children.count)
            node.childCount = Int32(childList.count)
            children.append(contentsOf: childList.map { Int32($0) })
            node.firstTarget = Int32(targets.count)
            node.targetCount = Int32(targetList.count)
            targets.append(contentsOf: targetList)
            node.collectsFeatures = targetList.contains { $0.role == .features }
            node.collectsSegment = targetList.contains { $0.role == .segment }
            nodes.append(node)
        }
        for name in mapping.segmentDimensions {
            dimensions.append((Int32(keyBytes.count), Int32(name.utf8.count)))
            keyBytes.append(contentsOf: name.utf8)
        }
    }

    private static func constant(
        _ text: String, for target: Target, named name: String, symbols: SymbolTable
    )
        throws(MappingError) -> Constant
    {
        func invalid(_ expected: String) -> MappingError {
            MappingError(code: .invalidConstant, message: "role '\(name)': constant '\(text)' is not \(expected)")
        }
        switch target.role {
        case .kind:
            guard let kind = EventKind.allCases.first(where: { "\($0)" == text }) else {
                throw invalid("an event kind (inference, label or resource)")
            }
            return .kind(kind)
        case .model, .version, .host, .segmentField:
            return .symbol(symbols.intern(text))
        case .requestID, .prediction, .label:
            return .text(Array(text.utf8))
        case .score, .latencyMs, .cpuPct, .memMB, .gpuPct, .gpuMemMB:
            guard let value = Double(text), value.isFinite else { throw invalid("a finite number") }
            return .number(value)
        case .timestamp:
            guard let millis = Timestamp.parseRFC3339(text) ?? Int64(text) else {
                throw invalid("an RFC 3339 timestamp or integer epoch milliseconds")
            }
            return .timestamp(millis)
        case .features, .segment:
            throw MappingError(
                code: .unsupportedSource,
                message: "role '\(name)' must be a JSON Pointer to an object, not a constant")
        }
    }

    /// The contract's name of a role, as users write it in a topology (`latency_ms`, `segment.line`).
    static func name(of target: Target, dimensions: [String]) -> String {
        switch target.role {
        case .kind: "type"
        case .model: "model"
        case .version: "version"
        case .timestamp: "ts"
        case .requestID: "request_id"
        case .features: "features"
        case .prediction: "prediction"
        case .score: "score"
        case .latencyMs: "latency_ms"
        case .label: "label"
        case .host: "host"
        case .cpuPct: "cpu_pct"
        case .memMB: "mem_mb"
        case .gpuPct: "gpu_pct"
        case .gpuMemMB: "gpu_mem_mb"
        case .segment: "segment"
        case .segmentField: "segment.\(dimensions[Int(target.dimension)])"
        }
    }
}
