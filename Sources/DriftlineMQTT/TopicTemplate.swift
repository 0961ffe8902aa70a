/// An MQTT topic pattern whose levels can be named, such as `plant/{line}/{device}/inference`.
///
/// A `{name}` level matches any one level and captures it (it subscribes as `+`); `+` matches one level without
/// capturing; `#` as the last level matches the rest of the topic. Other levels match literally.
public struct TopicTemplate: Hashable, Sendable, CustomStringConvertible {
    private enum Level: Hashable, Sendable {
        case literal([UInt8])
        case capture
        case anyLevel
        case rest
    }

    /// The template as written.
    public let template: String
    /// The subscription filter: placeholders replaced by `+`.
    public let filter: String
    /// The placeholder names, in the order captures are returned.
    public let names: [String]
    private let levels: [Level]

    /// Parses a template.
    /// - Throws: `MQTTError` naming the level that is wrong.
    public init(_ template: String) throws(MQTTError) {
        guard !template.isEmpty else { throw MQTTError(.emptyTemplate, "an MQTT topic template cannot be empty") }
        let parts = template.split(separator: "/", omittingEmptySubsequences: false)
        var levels: [Level] = []
        var names: [String] = []
        for (position, part) in parts.enumerated() {
            let level = try Self.parseLevel(
                part, position: position + 1, isLast: position == parts.count - 1, in: template)
            if level == .capture {
                let name = String(part.dropFirst().dropLast())
                guard !names.contains(name) else {
                    throw MQTTError(
                        .duplicatePlaceholder, "placeholder {\(name)} appears twice in topic template '\(template)'")
                }
                names.append(name)
            }
            levels.append(level)
        }
        self.template = template
        self.names = names
        self.levels = levels
        filter = zip(parts, levels).map { part, level in level == .capture ? "+" : String(part) }.joined(separator: "/")
    }

    private static func parseLevel(
        _ part: Substring, position: Int, isLast: Bool, in template: String
    ) throws(MQTTError) -> Level {
        let special = part.contains { $0 == "{" || $0 == "}" || $0 == "+" || $0 == "#" }
        guard special else { return .literal(Array(part.utf8)) }
        switch part {
        case "+":
            return .anyLevel
        case "#":
            guard isLast else {
                throw MQTTError(
                    .misplacedMultiLevelWildcard,
                    "'#' must be the last level of topic template '\(template)' (it is level \(position))")
            }
            return .rest
        default:
            let name = part.dropFirst().dropLast()
            guard part.first == "{", part.last == "}", part.count >= 2,
                !name.contains(where: { $0 == "{" || $0 == "}" || $0 == "+" || $0 == "#" })
            else {
                throw MQTTError(
                    .partialLevel,
                    "level \(position) '\(part)' of topic template '\(template)' mixes a placeholder or wildcard with "
                        + "other characters; '{name}', '+' and '#' must fill a whole level")
            }
            guard let first = name.first, first == "_" || (first.isASCII && first.isLetter),
                name.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) })
            else {
                throw MQTTError(
                    .invalidPlaceholder,
                    "placeholder '\(part)' at level \(position) of topic template '\(template)' needs a name of "
                        + "letters, digits and '_' that does not start with a digit")
            }
            return .capture
        }
    }

    /// Matches `topic` and stores the byte range of each captured level in `ranges`, in the order of `names`.
    /// Allocates nothing once `ranges` has capacity for `names.count` ranges.
    /// - Returns: false when the topic does not match (`ranges` is then unspecified).
    public func captureRanges(in topic: UnsafeRawBufferPointer, into ranges: inout [Range<Int>]) -> Bool {
        ranges.removeAll(keepingCapacity: true)
        // Wildcards do not match topics starting with '$' at the first level (MQTT 3.1.1, 4.7.2).
        if topic.first == UInt8(ascii: "$") {
            guard case .literal = levels[0] else { return false }
        }
        var start = 0
        for (index, level) in levels.enumerated() {
            if level == .rest { return true }
            var end = start
            while end < topic.count && topic[end] != UInt8(ascii: "/") { end += 1 }
            switch level {
            case .literal(let bytes):
                guard bytes.count == end - start,
                    bytes.withUnsafeBytes({ $0.elementsEqual(topic[start..<end]) })
                else { return false }
            case .capture:
                ranges.append(start..<end)
            case .anyLevel, .rest:
                break
            }
            let isLastTopicLevel = end == topic.count
            if isLastTopicLevel {
                // "a/#" also matches "a": the multi-level wildcard covers zero levels.
                let remaining = levels.count - index - 1
                return remaining == 0 || (remaining == 1 && levels[index + 1] == .rest)
            }
            start = end + 1
        }
        return false
    }

    /// The captured levels of `topic` by name, or nil when it does not match.
    public func captures(in topic: String) -> [(name: String, value: String)]? {
        var topic = topic
        var ranges: [Range<Int>] = []
        let matched = topic.withUTF8 { captureRanges(in: UnsafeRawBufferPointer($0), into: &ranges) }
        guard matched else { return nil }
        let bytes = Array(topic.utf8)
        return zip(names, ranges).map { name, range in (name, String(decoding: bytes[range], as: UTF8.self)) }
    }

    public var description: String { template }
}
