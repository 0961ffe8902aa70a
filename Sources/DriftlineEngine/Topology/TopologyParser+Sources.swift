import DriftlineCore
import Yams

extension TopologyParser {
    /// The keys of one `sources` entry.
    private static let sourceKeys = [
        "name", "type", "path", "connection", "topics", "group", "client_id", "kind", "mapping",
    ]
    /// The keys of a source's `mapping`.
    private static let mappingKeys = MappingRole.allCases.map(\.rawValue) + ["segment_fields"]
    /// The value that maps a role to the transport's record time.
    private static let recordTimeWord = "@record_time"
    /// The value that maps a role to the transport's record key.
    private static let recordKeyWord = "@record_key"
    /// The prefix of a value that maps a role to a record header: `@header:NAME`.
    private static let headerPrefix = "@header:"

    /// The `sources` list; every source's mapping keeps `dimensions` (sorted) as its
    /// `segmentDimensions`. `nil` when the list itself is malformed.
    mutating func sources(_ node: Node, dimensions: [String]) -> [Topology.SourceSpec]? {
        guard let items = reader.sequence(node, path: "sources") else { return nil }
        guard !items.isEmpty else {
            reader.report(.invalidValue, at: node.mark, "sources must list at least one source")
            return nil
        }
        var sources: [Topology.SourceSpec] = []
        var nameLines: [String: Int] = [:]
        var stdinLine: Int?
        for (index, item) in items.enumerated() {
            guard
                let fields = reader.fields(
                    item, path: "sources[\(index)]", allowed: Self.sourceKeys, required: ["name", "type"])
            else { continue }
            let name = fields["name"].flatMap { reader.string($0, path: fields.path("name")) }
            if let name, let line = fields["name"]?.mark?.line {
                if let first = nameLines[name] {
                    reader.report(
                        .duplicateName, at: fields["name"]?.mark,
                        "source name '\(name)' is already used on line \(first)")
                } else {
                    nameLines[name] = line
                }
            }
            let transport = sourceTransport(fields, owner: item, name: name, dimensions: dimensions)
            if transport == .stdin, let mark = fields["type"]?.mark {
                if let first = stdinLine {
                    reader.report(
                        .inconsistent, at: mark, "only one source can read stdin; the source on line \(first) does")
                } else {
                    stdinLine = mark.line
                }
            }
            let fixedKind = fields["kind"].flatMap { eventKind($0, path: fields.path("kind")) }
            var mapping =
                fields["mapping"].flatMap { fieldMapping($0, path: fields.path("mapping"), dimensions: dimensions) }
                ?? FieldMapping(segmentDimensions: dimensions)
            mapping.fixedKind = fixedKind
            guard let name, let transport else { continue }
            sources.append(.init(name: name, transport: transport, fixedKind: fixedKind, mapping: mapping))
        }
        return sources
    }

    /// An event kind by its contract name: `inference`, `label` or `resource`.
    private mutating func eventKind(_ node: Node, path: String) -> EventKind? {
        guard let text = reader.string(node, path: path) else { return nil }
        let names = EventKind.allCases.map { String(describing: $0) }
        if let index = names.firstIndex(of: text) { return EventKind.allCases[index] }
        reader.reportUnknownWord(text, at: node.mark, path: path, known: names)
        return nil
    }

    /// A source's field mapping: the contract's shape with the roles the file names replaced.
    private mutating func fieldMapping(_ node: Node, path: String, dimensions: [String]) -> FieldMapping? {
        guard let fields = reader.fields(node, path: path, allowed: Self.mappingKeys) else { return nil }
        var mapping = FieldMapping(segmentDimensions: dimensions)
        for role in MappingRole.allCases {
            guard let roleNode = fields[role.rawValue] else { continue }
            if NodeReader.isNull(roleNode) {
                mapping[keyPath: role.keyPath] = nil
            } else if let source = fieldSource(
                roleNode, path: fields.path(role.rawValue), example: "/\(role.rawValue)",
                constant: role.allowsConstant, recordTime: role.allowsRecordTime, recordKey: role.allowsRecordKey)
            {
                if role == .type, case .constant(let kind) = source {
                    guard EventKind.allCases.contains(where: { String(describing: $0) == kind }) else {
                        reader.reportUnknownWord(
                            kind, at: roleNode.mark, path: fields.path(role.rawValue),
                            known: EventKind.allCases.map { String(describing: $0) })
                        continue
                    }
                }
                mapping[keyPath: role.keyPath] = source
            }
        }
        if let node = fields["segment_fields"] {
            mapping.segmentFields = segmentFields(node, path: fields.path("segment_fields"), dimensions: dimensions)
        }
        return mapping
    }

    /// `segment_fields`: dimension name -> where its value sits; every dimension must be in a key.
    private mutating func segmentFields(_ node: Node, path: String, dimensions: [String]) -> [String: FieldSource] {
        guard let pairs = reader.pairs(node, path: path) else { return [:] }
        var result: [String: FieldSource] = [:]
        for pair in pairs {
            guard dimensions.contains(pair.key) else {
                let hint =
                    NodeReader.closest(to: pair.key, in: dimensions).map { "did you mean '\($0)'?" }
                    ?? (dimensions.isEmpty
                        ? "the keys name no dimensions" : "the keys use: \(dimensions.joined(separator: ", "))")
                reader.report(
                    .invalidValue, at: pair.keyMark,
                    "segment dimension '\(pair.key)' in \(path) is not in any key; "
                        + "add it to keys or remove it (\(hint))")
                continue
            }
            let source = fieldSource(
                pair.value, path: "\(path).\(pair.key)", example: "/\(pair.key)", constant: true, recordTime: false,
                recordKey: true)
            if let source { result[pair.key] = source }
        }
        return result
    }

    /// Where one role sits: a JSON Pointer (`/a/b`), `@record_time`, `@record_key`,
    /// `{const: "..."}`, or a plain constant (a string that starts with neither `/` nor `@`), as far
    /// as the role allows.
    private mutating func fieldSource(
        _ node: Node, path: String, example: String, constant: Bool, recordTime: Bool, recordKey: Bool
    ) -> FieldSource? {
        if node.mapping != nil {
            guard let fields = reader.fields(node, path: path, allowed: ["const"], required: ["const"]),
                let text = fields["const"].flatMap({ reader.string($0, path: fields.path("const")) })
            else { return nil }
            guard constant else {
                reportConstant(text, at: node, path: path, example: example)
                return nil
            }
            return .constant(text)
        }
        guard let text = reader.string(node, path: path) else { return nil }
        if text.hasPrefix("/") {
            if let problem = Self.pointerProblem(text) {
                reader.report(.invalidPointer, at: node.mark, "invalid JSON Pointer '\(text)' for \(path): \(problem)")
                return nil
            }
            return .pointer(text)
        }
        if text == Self.recordTimeWord {
            guard recordTime else {
                reader.report(.invalidValue, at: node.mark, "\(path) cannot be \(Self.recordTimeWord); only ts can")
                return nil
            }
            return .recordTime
        }
        if text == Self.recordKeyWord || (text.hasPrefix(Self.headerPrefix) && text.count > Self.headerPrefix.count) {
            guard recordKey else {
                reader.report(
                    .invalidValue, at: node.mark,
                    "\(path) cannot be \(text); only model, version, host, request_id and segment fields can take "
                        + "the record key or a header")
                return nil
            }
            return text == Self.recordKeyWord
                ? .recordKey : .recordHeader(String(text.dropFirst(Self.headerPrefix.count)))
        }
        if text.hasPrefix("@") {
            reader.report(
                .invalidValue, at: node.mark,
                "unknown special value '\(text)' for \(path); the special values are \(Self.recordTimeWord), "
                    + "\(Self.recordKeyWord) and \(Self.headerPrefix)NAME (write {const: \"\(text)\"} for a constant)")
            return nil
        }
        guard constant else {
            reportConstant(text, at: node, path: path, example: example)
            return nil
        }
        return .constant(text)
    }

    /// Reports a constant given for a role that only takes a JSON Pointer.
    private mutating func reportConstant(_ text: String, at node: Node, path: String, example: String) {
        reader.report(
            .invalidValue, at: node.mark,
            "\(path) takes a JSON Pointer such as \(example), not the constant '\(text)'; a pointer starts with '/'")
    }

    /// Why `pointer` (which starts with `/`) is not an RFC 6901 JSON Pointer, or `nil` if it is one.
    private static func pointerProblem(_ pointer: String) -> String? {
        var scalars = pointer.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            if scalar == "~", case let next = scalars.next(), next != "0", next != "1" {
                return "'~' must be followed by 0 or 1 (~0 stands for '~', ~1 for '/')"
            }
        }
        return nil
    }
}
