/// Decodes one JSON payload into the shared scratch `Event`, following a source's `FieldMapping`.
///
/// The mapping is compiled once; each payload is then read in a single pass that validates the
/// whole document and captures every role on the way, allocating nothing in steady state (the
/// `Event`'s arrays keep their capacity and the `SymbolTable` only copies strings it has never
/// seen). A decoder belongs to one thread; the symbol table it interns in may be shared.
public final class EventDecoder {
    /// Payloads larger than this many bytes are rejected with `DecodeError.Code.oversize`.
    public var maxPayloadBytes: Int
    /// Event times outside this range are rejected with `DecodeError.Code.invalidTimestamp`; the
    /// contract's `Timestamp.accepted` unless changed (tests of windowing near the epoch widen it).
    public var acceptedTimes = Timestamp.accepted
    /// A features object with more members than this is rejected with
    /// `DecodeError.Code.tooManyFeatures`; names past the limit are not interned.
    public var maxFeatures = 256
    /// Whether a segment value never seen before is interned; when closed it is looked up and
    /// decodes as `Symbol.unseen` (see `InterningGate`). Decoders on several threads may share one.
    public let interning: InterningGate

    /// `interning.isOpen`.
    public var internsNewSegmentValues: Bool {
        get { interning.isOpen }
        set { interning.isOpen = newValue }
    }

    private let mapping: FieldMapping
    private let plan: DecodePlan
    private let symbols: SymbolTable
    /// The symbols this decoder has interned, so that it takes the shared table's lock only for
    /// strings it has not met before.
    private let symbolCache: SymbolCache
    /// Unescaped strings and numbers on their way to `strtod`; holds at least payload + 1 bytes.
    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity: Int
    /// Segment values from `segmentFields`, as `Symbol.id + 1` (0: none); they win over `segment`.
    private let fieldSegment: UnsafeMutableBufferPointer<UInt32>
    /// Symbols of recently seen strings, by where they occur (see `slot(of:)` and `featureSlot`).
    private let cache: InternCache
    /// The plan's trie, copied out of its arrays so the pass reads it without array accesses.
    private let nodes: UnsafeMutableBufferPointer<DecodePlan.Node>
    private let children: UnsafeMutableBufferPointer<Int32>
    private let targets: UnsafeMutableBufferPointer<DecodePlan.Target>
    private let keyBytes: UnsafeMutableBufferPointer<UInt8>
    /// The first cache slot of the features, by position.
    private let featureSlot: Int
    /// Per feature name (by symbol id): `object << 32 | index`, where `object` numbers the features
    /// object the name was last seen in and `index` is its place in `features`; this finds
    /// a repeated name without searching the features read so far.
    private var featureMarks: UnsafeMutablePointer<UInt64>
    private var featureMarkCapacity = 64
    /// The number of the features object being read (0: none yet).
    private var featureObject: UInt64 = 0
    /// The minute of the last timestamp read, which the next one most likely shares.
    private var timestampMinute = Timestamp.MinuteCache()
    /// The event's features and text as the pass collects them, `featureCount` and `textCount`
    /// long; `finish(_:)` copies them into the event in one block each, which costs far less than
    /// appending to its arrays value by value.
    private var features: UnsafeMutablePointer<FeatureValue>
    private var featureCapacity = 32
    private var featureCount = 0
    private var text: UnsafeMutablePointer<UInt8>
    private var textCapacity = 256
    private var textCount = 0

    /// Compiles `mapping`, interning its constants in `symbols`.
    public init(
        mapping: FieldMapping, symbols: SymbolTable, maxPayloadBytes: Int = 1 << 20,
        interning: InterningGate = InterningGate()
    ) throws(MappingError) {
        self.mapping = mapping
        self.interning = interning
        self.symbols = symbols
        symbolCache = SymbolCache(table: symbols)
        self.maxPayloadBytes = maxPayloadBytes
        plan = try DecodePlan(mapping: mapping, symbols: symbols)
        scratchCapacity = 4096
        scratch = .allocate(capacity: scratchCapacity)
        fieldSegment = .allocate(capacity: max(1, mapping.segmentDimensions.count))
        cache = InternCache(slots: 3 + 2 * mapping.segmentDimensions.count + Self.cachedFeatures)
        nodes = Self.copy(plan.nodes)
        children = Self.copy(plan.children)
        targets = Self.copy(plan.targets)
        keyBytes = Self.copy(plan.keyBytes)
        featureSlot = 3 + 2 * mapping.segmentDimensions.count
        featureMarks = .allocate(capacity: featureMarkCapacity)
        featureMarks.initialize(repeating: 0, count: featureMarkCapacity)
        features = .allocate(capacity: featureCapacity)
        text = .allocate(capacity: textCapacity)
    }

    /// A buffer of at least one element holding `array`.
    private static func copy<Element>(_ array: [Element]) -> UnsafeMutableBufferPointer<Element> {
        let buffer = UnsafeMutableBufferPointer<Element>.allocate(capacity: max(1, array.count))
        _ = buffer.initialize(from: array)
        return buffer
    }

    /// How many features of an object, in order of appearance, have a cache slot of their own.
    private static let cachedFeatures = 64

    /// The cache slot of a role's value: model, version, host, then `segmentFields` and the
    /// dimensions of the `segment` object, then the features by position.
    private func slot(of target: DecodePlan.Target) -> Int {
        switch target.role {
        case .model: 0
        case .version: 1
        case .host: 2
        case .segmentField: 3 + Int(target.dimension)
        default: 3 + plan.dimensions.count + Int(target.dimension)
        }
    }

    deinit {
        scratch.deallocate()
        fieldSegment.deallocate()
        cache.deallocate()
        nodes.deallocate()
        children.deallocate()
        targets.deallocate()
        keyBytes.deallocate()
        featureMarks.deallocate()
        features.deallocate()
        text.deallocate()
    }

    /// What went wrong with a role's value during the pass, turned into a message at the end.
    private struct Problem {
        var code: DecodeError.Code
        var target: DecodePlan.Target
        var expected: StaticString
        var found: StaticString
        var range: Range<Int>
        var feature: Symbol?
    }

    /// What the pass learns besides the event's roles.
    private struct PassState {
        var kind: EventKind?
        var problem: Problem?
        /// Members of the largest features object, when it had more than `maxFeatures`.
        var featureMembers = 0
    }

    /// A scalar value read from the payload; strings are valid only until the next token.
    private enum Scalar {
        case string(UnsafeRawBufferPointer)
        case number(JSONScanner.Number)
        case bool(Bool)
        case null

        var typeName: StaticString {
            switch self {
            case .string: "string"
            case .number: "number"
            case .bool: "boolean"
            case .null: "null"
            }
        }
    }

    /// Resets `event` and fills it from `payload`.
    ///
    /// - Throws: `DecodeError` when the payload is not JSON, not an object, too large, or lacks a
    ///   role its kind requires or holds one of the wrong type; `event` is then left partly filled.
    public func decode(
        _ payload: UnsafeRawBufferPointer, context: RecordContext, into event: inout Event
    )
        throws(DecodeError)
    {
        try checkSize(of: payload)
        defer { finish(&event) }
        try pass(payload, context: context, into: &event)
    }

    /// Decodes `payload` as `decode(_:context:into:)` does and appends the event, with the
    /// payload and its position, to `batch`: `event` receives the roles only (which `amend` may
    /// still change), and the features and text go from the pass straight into the batch.
    package func decode(
        _ payload: UnsafeRawBufferPointer, context: RecordContext, position: Int64, appendingTo batch: EventBatch,
        scratch event: inout Event, amend: (inout Event) -> Void = { _ in }
    ) throws(DecodeError) {
        try checkSize(of: payload)
        try pass(payload, context: context, into: &event)
        amend(&event)
        batch.append(
            roles: event, features: UnsafeBufferPointer(start: features, count: featureCount),
            text: UnsafeBufferPointer(start: text, count: textCount), payload: payload, position: position)
    }

    private func checkSize(of payload: UnsafeRawBufferPointer) throws(DecodeError) {
        guard payload.count <= maxPayloadBytes else {
            throw DecodeError(
                code: .oversize,
                message: "payload of \(payload.count) bytes is larger than the limit of \(maxPayloadBytes) bytes")
        }
    }

    /// The pass: fills `event`'s roles, and the decoder's own features and text.
    @inline(__always)
    private func pass(
        _ payload: UnsafeRawBufferPointer, context: RecordContext, into event: inout Event
    ) throws(DecodeError) {
        if payload.count >= scratchCapacity {
            scratch.deallocate()
            scratchCapacity = payload.count + 1
            scratch = .allocate(capacity: scratchCapacity)
        }
        if event.segment.count != plan.dimensions.count {
            event.segment = Array(repeating: nil, count: plan.dimensions.count)
        }
        event.resetRoles()
        featureCount = 0
        textCount = 0
        for i in fieldSegment.indices { fieldSegment[i] = 0 }

        var scanner = JSONScanner(payload, scratch: scratch)
        var state = PassState()
        var isObject = true
        do {
            scanner.skipByteOrderMark()
            if try scanner.valueStart() == .object {
                try visitValue(0, &scanner, &event, &state)
            } else {
                isObject = false
                try scanner.skipValue()
            }
            try scanner.expectEnd()
        } catch {
            throw DecodeError(code: .invalidJSON, message: "not valid JSON at byte \(error.offset): \(error.reason)")
        }
        guard isObject else {
            throw DecodeError(code: .notAnObject, message: "the payload is valid JSON but not an object")
        }
        if state.featureMembers > 0 {
            throw DecodeError(
                code: .tooManyFeatures,
                message: "the features object (\(source(of: DecodePlan.Target(role: .features)))) has "
                    + "\(state.featureMembers) members; "
                    + "the limit is \(maxFeatures) (limits.max_features)")
        }
        if let problem = state.problem { throw error(for: problem, payload: payload) }

        for (target, constant) in plan.constants { apply(constant, to: target, &event, &state) }
        if plan.takesRecordTime { event.timestamp = context.recordTime }
        if let key = context.key {
            for target in plan.recordKeyTargets { applyRecordKey(key, to: target, &event) }
        }
        if let headers = context.headers {
            for (target, name) in plan.recordHeaderTargets {
                let value = name.withUnsafeBytes { RecordHeaders.value(named: $0, in: headers) }
                if let value { applyRecordKey(value, to: target, &event) }
            }
        }
        for i in fieldSegment.indices where fieldSegment[i] != 0 {
            event.segment[i] = Symbol(id: fieldSegment[i] - 1)
        }

        guard let kind = mapping.fixedKind ?? state.kind else {
            throw DecodeError(
                code: .missingRole,
                message: "missing role 'type' (\(source(of: DecodePlan.Target(role: .kind)))); set the source's "
                    + "fixed kind if it carries one kind of event")
        }
        event.kind = kind
        if event.model == nil { throw missing(.model) }
        switch kind {
        case .inference, .resource:
            if event.version == nil { throw missing(.version) }
        case .label:
            if event.requestID == nil { throw missing(.requestID) }
            if event.label == .missing { throw missing(.label) }
        }
        if mapping.timestamp != nil && event.timestamp == nil { throw missing(.timestamp) }
    }

    // MARK: - The pass

    /// Visits the value at the scanner's position, which plan node `index` describes.
    private func visitValue(
        _ index: Int, _ s: inout JSONScanner, _ event: inout Event, _ state: inout PassState
    )
        throws(JSONScanner.Failure)
    {
        let node = nodes[index]
        let start = s.position
        let kind = try s.valueStart()
        switch kind {
        case .object:
            if node.targetCount > 0 { noteContainer(node, isArray: false, start..<start + 1, &state) }
            if node.childCount == 0 && !node.collectsFeatures && !node.collectsSegment {
                try s.skipValue()
            } else {
                try visitObject(node, &s, &event, &state)
            }
        case .array:
            if node.targetCount > 0 { noteContainer(node, isArray: true, start..<start + 1, &state) }
            if node.childCount == 0 {
                try s.skipValue()
            } else {
                try visitArray(node, &s, &event, &state)
            }
        case .string, .number, .literal:
            let scalar = try readScalar(&s, kind)
            applyScalar(scalar, at: node, start..<s.position, &event, &state)
        }
    }

    private func readScalar(
        _ s: inout JSONScanner, _ start: JSONScanner.ValueStart
    ) throws(JSONScanner.Failure)
        -> Scalar
    {
        switch start {
        case .string: return .string(try s.readString())
        case .number: return .number(try s.readNumber())
        default: return try s.readLiteral().map { .bool($0) } ?? .null
        }
    }

    private func visitObject(
        _ node: DecodePlan.Node, _ s: inout JSONScanner, _ event: inout Event, _ state: inout PassState
    ) throws(JSONScanner.Failure) {
        // A repeated member replaces the earlier one whole, as in a parsed dictionary.
        if node.collectsFeatures { beginFeatures() }
        if node.collectsSegment {
            for i in event.segment.indices { event.segment[i] = nil }
        }
        guard try s.beginObject() else { return }
        // Producers write their members in a steady order: the search for a member's node starts
        // after the node of the member before.
        var hint = 0
        if !node.collectsFeatures && !node.collectsSegment {
            repeat {
                let child = self.child(of: node, named: try s.readKey(), hint: &hint)
                if child >= 0 { try visitValue(child, &s, &event, &state) } else { try s.skipValue() }
            } while try s.nextMember()
            return
        }
        var ordinal = 0
        repeat {
            let key = try s.readKey()
            let child = node.childCount == 0 ? -1 : self.child(of: node, named: key, hint: &hint)
            var feature: Symbol?
            if node.collectsFeatures {
                if ordinal < maxFeatures {
                    feature = cache.symbol(key, slot: featureSlot + ordinal, table: symbolCache)
                } else {
                    // Past the limit: the event is rejected, and its names are not interned.
                    state.featureMembers = max(state.featureMembers, ordinal + 1)
                }
            }
            ordinal += 1
            let dimension = node.collectsSegment ? self.dimension(named: key) : -1
            if feature == nil && dimension < 0 {
                if child >= 0 { try visitValue(child, &s, &event, &state) } else { try s.skipValue() }
                continue
            }
            if let feature, dimension < 0, child < 0 {
                // The common case, a feature and nothing else, read without an intermediate `Scalar`.
                switch s.peek() {
                case UInt8(ascii: "\""):
                    addFeature(feature, .text(appendText(try s.readString())))
                    continue
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    addFeature(feature, .number(try s.readNumber().value))
                    continue
                default:
                    break
                }
            }
            let start = s.position
            let kind = try s.valueStart()
            if kind == .object || kind == .array {
                let found: StaticString = kind == .object ? "object" : "array"
                let range = s.position..<s.position + 1
                if let feature {
                    note(
                        .wrongType, DecodePlan.Target(role: .features), "number, string, boolean or null", found, range,
                        feature: feature, &state)
                }
                if dimension >= 0 {
                    note(.wrongType, DecodePlan.Target(role: .segment), "string or integer", found, range, &state)
                }
                if child >= 0 { try visitValue(child, &s, &event, &state) } else { try s.skipValue() }
                continue
            }
            let scalar = try readScalar(&s, kind)
            let range = start..<s.position
            if let feature { addFeature(feature, value(of: scalar)) }
            if dimension >= 0 {
                if let symbol = symbol(
                    scalar, slot: slot(of: DecodePlan.Target(role: .segment, dimension: Int32(dimension))),
                    segment: true)
                {
                    event.segment[dimension] = symbol
                } else if case .null = scalar {
                    event.segment[dimension] = nil
                } else {
                    note(
                        .wrongType, DecodePlan.Target(role: .segment), "string or integer", scalar.typeName, range,
                        &state)
                }
            }
            if child >= 0 { applyScalar(scalar, at: nodes[child], range, &event, &state) }
        } while try s.nextMember()
    }

    private func visitArray(
        _ node: DecodePlan.Node, _ s: inout JSONScanner, _ event: inout Event, _ state: inout PassState
    ) throws(JSONScanner.Failure) {
        guard try s.beginArray() else { return }
        var index: Int32 = 0
        repeat {
            var match = -1
            for c in 0..<Int(node.childCount) {
                let child = Int(children[Int(node.firstChild) + c])
                if nodes[child].index == index {
                    match = child
                    break
                }
            }
            if match >= 0 { try visitValue(match, &s, &event, &state) } else { try s.skipValue() }
            index += 1
        } while try s.nextElement()
    }

    /// The child of `node` whose member name is `key`, or -1; the search starts at the child
    /// numbered `hint`, which becomes the number after the match.
    @inline(__always)
    private func child(of node: DecodePlan.Node, named key: UnsafeRawBufferPointer, hint: inout Int) -> Int {
        let count = Int(node.childCount)
        var c = hint
        for _ in 0..<count {
            if c >= count { c = 0 }
            let child = Int(children[Int(node.firstChild) + c])
            let candidate = nodes[child]
            if Int(candidate.keyCount) == key.count && keyEquals(Int(candidate.keyStart), key) {
                hint = c + 1
                return child
            }
            c += 1
        }
        return -1
    }

    /// The index of the segment dimension named `key`, or -1.
    @inline(__always)
    private func dimension(named key: UnsafeRawBufferPointer) -> Int {
        for (i, name) in plan.dimensions.enumerated()
        where Int(name.count) == key.count && keyEquals(Int(name.start), key) {
            return i
        }
        return -1
    }

    @inline(__always)
    private func keyEquals(_ start: Int, _ key: UnsafeRawBufferPointer) -> Bool {
        ByteComparison.equal(keyBytes.baseAddress.unsafelyUnwrapped + start, key.baseAddress, count: key.count)
    }

    private func noteContainer(
        _ node: DecodePlan.Node, isArray: Bool, _ range: Range<Int>, _ state: inout PassState
    ) {
        let found: StaticString = isArray ? "array" : "object"
        for t in 0..<Int(node.targetCount) {
            let target = targets[Int(node.firstTarget) + t]
            if target.role == .features || target.role == .segment {
                if isArray { note(.wrongType, target, "object", found, range, &state) }
            } else {
                note(.wrongType, target, Self.expectation(of: target.role), found, range, &state)
            }
        }
    }

    private func applyScalar(
        _ scalar: Scalar, at node: DecodePlan.Node, _ range: Range<Int>, _ event: inout Event,
        _ state: inout PassState
    ) {
        for t in 0..<Int(node.targetCount) {
            apply(scalar, to: targets[Int(node.firstTarget) + t], range, &event, &state)
        }
    }

    private func apply(
        _ scalar: Scalar, to target: DecodePlan.Target, _ range: Range<Int>, _ event: inout Event,
        _ state: inout PassState
    ) {
        func wrongType() {
            note(.wrongType, target, Self.expectation(of: target.role), scalar.typeName, range, &state)
        }
        switch target.role {
        case .kind:
            switch scalar {
            case .string(let bytes):
                if let kind = Self.kind(named: bytes) {
                    state.kind = kind
                } else {
                    note(.unknownKind, target, "inference, label or resource", "string", range, &state)
                }
            case .null: state.kind = nil
            default: wrongType()
            }
        case .model, .version, .host, .segmentField:
            let symbol = self.symbol(scalar, slot: slot(of: target), segment: target.role == .segmentField)
            if symbol == nil {
                guard case .null = scalar else { return wrongType() }
            }
            switch target.role {
            case .model: event.model = symbol
            case .version: event.version = symbol
            case .host: event.host = symbol
            default: fieldSegment[Int(target.dimension)] = symbol.map { $0.id + 1 } ?? 0
            }
        case .requestID:
            switch scalar {
            case .string(let bytes): event.requestID = appendText(bytes)
            case .number(let number) where number.isInteger:
                event.requestID = appendText(number.text)
            case .null: event.requestID = nil
            default: wrongType()
            }
        case .timestamp:
            switch scalar {
            case .string(let bytes):
                guard let millis = Timestamp.parseRFC3339(bytes, reusing: &timestampMinute),
                    acceptedTimes.contains(millis)
                else {
                    return note(
                        .invalidTimestamp, target, "an RFC 3339 timestamp from 2000 to 9999", "string", range, &state)
                }
                event.timestamp = millis
            case .number(let number):
                guard number.isInteger, let millis = integer(number), acceptedTimes.contains(millis) else {
                    return note(
                        .invalidTimestamp, target, "integer epoch milliseconds from 2000 to 9999 (946684800000 on)",
                        "number", range, &state)
                }
                event.timestamp = millis
            case .null: event.timestamp = nil
            case .bool: wrongType()
            }
        case .prediction, .label:
            // The contract's class labels are text, integers and booleans: an integer is kept as its
            // digits, so class id 1 and class "1" are one class (a regressor reads the digits back).
            let value: Value
            if case .number(let number) = scalar, number.isInteger {
                value = .text(appendText(number.text))
            } else {
                value = self.value(of: scalar)
            }
            if target.role == .prediction { event.prediction = value } else { event.label = value }
        case .score, .latencyMs, .cpuPct, .memMB, .gpuPct, .gpuMemMB:
            let value: Double?
            switch scalar {
            case .number(let number): value = number.value
            case .null: value = nil
            default: return wrongType()
            }
            setNumber(value, for: target, &event)
        case .features, .segment:
            if case .null = scalar { return }  // no features or segment at all
            note(.wrongType, target, "object", scalar.typeName, range, &state)
        }
    }

    /// Sets an identity role from the record key's or a header's bytes.
    private func applyRecordKey(_ key: UnsafeRawBufferPointer, to target: DecodePlan.Target, _ event: inout Event) {
        if target.role == .requestID {
            event.requestID = appendText(key)
        } else {
            let segment = target.role == .segmentField && !internsNewSegmentValues
            setIdentity(segment ? symbols.lookup(key) ?? .unseen : symbolCache.intern(key), for: target, &event)
        }
    }

    /// Sets model, version, host or a segment dimension.
    private func setIdentity(_ symbol: Symbol, for target: DecodePlan.Target, _ event: inout Event) {
        switch target.role {
        case .model: event.model = symbol
        case .version: event.version = symbol
        case .host: event.host = symbol
        default: fieldSegment[Int(target.dimension)] = symbol.id + 1
        }
    }

    /// Sets score, latency or a resource field.
    private func setNumber(_ value: Double?, for target: DecodePlan.Target, _ event: inout Event) {
        switch target.role {
        case .score: event.score = value
        case .latencyMs: event.latencyMs = value
        case .cpuPct: event.cpuPct = value
        case .memMB: event.memMB = value
        case .gpuPct: event.gpuPct = value
        default: event.gpuMemMB = value
        }
    }

    private func apply(
        _ constant: DecodePlan.Constant, to target: DecodePlan.Target, _ event: inout Event,
        _ state: inout PassState
    ) {
        switch constant {
        case .kind(let kind): state.kind = kind
        case .symbol(let symbol): setIdentity(symbol, for: target, &event)
        case .text(let bytes):
            let slice = bytes.withUnsafeBytes { appendText($0) }
            switch target.role {
            case .requestID: event.requestID = slice
            case .prediction: event.prediction = .text(slice)
            default: event.label = .text(slice)
            }
        case .number(let value): setNumber(value, for: target, &event)
        case .timestamp(let millis): event.timestamp = millis
        }
    }

    /// A feature's, prediction's or label's value: text kept in the event, a number, or missing.
    private func value(of scalar: Scalar) -> Value {
        switch scalar {
        case .string(let bytes): .text(appendText(bytes))
        case .number(let number): .number(number.value)
        case .bool(let flag): .text(appendBoolean(flag))
        case .null: .missing
        }
    }

    /// Starts a features object: no features yet, and none of the names seen before are repeats.
    private func beginFeatures() {
        featureCount = 0
        featureObject += 1
        if featureObject == 1 << 32 {
            featureMarks.update(repeating: 0, count: featureMarkCapacity)
            featureObject = 1
        }
    }

    @inline(__always)
    private func addFeature(_ name: Symbol, _ value: Value) {
        let id = Int(name.id)
        if id >= featureMarkCapacity { growFeatureMarks(to: id + 1) }
        let mark = featureMarks[id]
        if mark >> 32 == featureObject {
            // A repeated name replaces the earlier value, as in a parsed dictionary.
            features[Int(truncatingIfNeeded: mark & 0xFFFF_FFFF)].value = value
        } else {
            if featureCount == featureCapacity { growFeatures() }
            featureMarks[id] = featureObject << 32 | UInt64(featureCount)
            (features + featureCount).initialize(to: FeatureValue(name: name, value: value))
            featureCount += 1
        }
    }

    @inline(never)
    private func growFeatureMarks(to count: Int) {
        let capacity = max(count, 2 * featureMarkCapacity)
        let bigger = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity)
        bigger.moveInitialize(from: featureMarks, count: featureMarkCapacity)
        (bigger + featureMarkCapacity).initialize(repeating: 0, count: capacity - featureMarkCapacity)
        featureMarks.deallocate()
        featureMarks = bigger
        featureMarkCapacity = capacity
    }

    @inline(never)
    private func growFeatures() {
        let bigger = UnsafeMutablePointer<FeatureValue>.allocate(capacity: 2 * featureCapacity)
        bigger.moveInitialize(from: features, count: featureCount)
        features.deallocate()
        features = bigger
        featureCapacity *= 2
    }

    /// Adds bytes to the event's text and returns the slice that will name them.
    @inline(__always)
    private func appendText(_ bytes: UnsafeRawBufferPointer) -> TextSlice {
        if textCount + bytes.count > textCapacity { growText(to: textCount + bytes.count) }
        if let source = bytes.baseAddress {
            (text + textCount).initialize(from: source.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        }
        let slice = TextSlice(offset: Int32(textCount), count: Int32(bytes.count))
        textCount += bytes.count
        return slice
    }

    @inline(never)
    private func growText(to needed: Int) {
        let capacity = max(needed, 2 * textCapacity)
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        bigger.moveInitialize(from: text, count: textCount)
        text.deallocate()
        text = bigger
        textCapacity = capacity
    }

    /// Moves the features and text the pass collected into `event`.
    private func finish(_ event: inout Event) {
        Self.replace(&event.features, with: UnsafeBufferPointer(start: features, count: featureCount))
        Self.replace(&event.text, with: UnsafeBufferPointer(start: text, count: textCount))
    }

    /// Makes `array` hold `contents`, overwriting in place when the counts agree (the usual case
    /// for a steady producer).
    @inline(__always)
    private static func replace<Element>(_ array: inout [Element], with contents: UnsafeBufferPointer<Element>) {
        if array.count == contents.count {
            guard let source = contents.baseAddress, contents.count > 0 else { return }
            array.withUnsafeMutableBufferPointer { target in
                target.baseAddress.unsafelyUnwrapped.update(from: source, count: contents.count)
            }
        } else {
            array.removeAll(keepingCapacity: true)
            array.append(contentsOf: contents)
        }
    }

    /// The symbol of a key value (a string or an integer's text); nil for anything else.
    private func symbol(_ scalar: Scalar, slot: Int, segment: Bool = false) -> Symbol? {
        if segment && !internsNewSegmentValues {
            switch scalar {
            case .string(let bytes): return symbols.lookup(bytes) ?? .unseen
            case .number(let number) where number.isInteger: return symbols.lookup(number.text) ?? .unseen
            default: return nil
            }
        }
        switch scalar {
        case .string(let bytes): return cache.symbol(bytes, slot: slot, table: symbolCache)
        case .number(let number) where number.isInteger:
            return cache.symbol(number.text, slot: slot, table: symbolCache)
        default: return nil
        }
    }

    /// The value of an integer number's text, nil when it does not fit 64 bits.
    private func integer(_ number: JSONScanner.Number) -> Int64? {
        DecimalInteger.parse(number.text)
    }

    private func appendBoolean(_ flag: Bool) -> TextSlice {
        let text: StaticString = flag ? "true" : "false"
        return appendText(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private static func kind(named bytes: UnsafeRawBufferPointer) -> EventKind? {
        func equals(_ name: StaticString) -> Bool {
            ByteComparison.equal(bytes, UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        }
        if equals("inference") { return .inference }
        if equals("label") { return .label }
        if equals("resource") { return .resource }
        return nil
    }

    // MARK: - Errors

    private func note(
        _ code: DecodeError.Code, _ target: DecodePlan.Target, _ expected: StaticString, _ found: StaticString,
        _ range: Range<Int>, feature: Symbol? = nil, _ state: inout PassState
    ) {
        if state.problem == nil {
            state.problem = Problem(
                code: code, target: target, expected: expected, found: found, range: range,
                feature: feature)
        }
    }

    private static func expectation(of role: DecodePlan.Role) -> StaticString {
        switch role {
        case .kind: "string"
        case .model, .version, .host, .segmentField, .requestID: "string or integer"
        case .timestamp: "RFC 3339 string or integer epoch milliseconds"
        case .prediction, .label: "string, number, boolean or null"
        case .features, .segment: "object"
        case .score, .latencyMs, .cpuPct, .memMB, .gpuPct, .gpuMemMB: "number"
        }
    }

    private func source(of target: DecodePlan.Target) -> String {
        let source: FieldSource?
        switch target.role {
        case .kind: source = mapping.kind
        case .model: source = mapping.model
        case .version: source = mapping.version
        case .timestamp: source = mapping.timestamp
        case .requestID: source = mapping.requestID
        case .features: source = mapping.features
        case .prediction: source = mapping.prediction
        case .score: source = mapping.score
        case .latencyMs: source = mapping.latencyMs
        case .label: source = mapping.label
        case .host: source = mapping.host
        case .cpuPct: source = mapping.cpuPct
        case .memMB: source = mapping.memMB
        case .gpuPct: source = mapping.gpuPct
        case .gpuMemMB: source = mapping.gpuMemMB
        case .segment: source = mapping.segment
        case .segmentField: source = mapping.segmentFields[mapping.segmentDimensions[Int(target.dimension)]]
        }
        switch source {
        case .pointer(let pointer): return "at '\(pointer)'"
        case .constant(let text): return "constant '\(text)'"
        case .recordTime: return "the record time"
        case .recordKey: return "the record key"
        case .recordHeader(let header): return "record header '\(header)'"
        case nil: return "not mapped"
        }
    }

    private func missing(_ role: DecodePlan.Role) -> DecodeError {
        let target = DecodePlan.Target(role: role)
        return DecodeError(
            code: .missingRole,
            message: "missing role '\(DecodePlan.name(of: target, dimensions: mapping.segmentDimensions))' "
                + "(\(source(of: target))), required for this kind of event")
    }

    private func error(for problem: Problem, payload: UnsafeRawBufferPointer) -> DecodeError {
        var name = "role '\(DecodePlan.name(of: problem.target, dimensions: mapping.segmentDimensions))'"
        if let feature = problem.feature { name = "feature '\(symbols[feature])' of \(name)" }
        let excerpt = String(
            decoding: UnsafeRawBufferPointer(rebasing: payload[problem.range.prefix(64)]), as: UTF8.self)
        let message: String
        switch problem.code {
        case .unknownKind:
            message =
                "\(name) (\(source(of: problem.target))): unknown event kind \(excerpt), expected \(problem.expected)"
        case .invalidTimestamp:
            message = "\(name) (\(source(of: problem.target))): \(excerpt) is not \(problem.expected)"
        default:
            message = "\(name) (\(source(of: problem.target))): expected \(problem.expected), found \(problem.found)"
        }
        return DecodeError(code: problem.code, message: message)
    }
}
