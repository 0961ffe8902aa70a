/// An MQTT subscription template such as `plant/{line}/{device}/inference`: a topic filter whose
/// levels may also be `{name}` placeholders, each matching one level whose text becomes the value
/// of that segment dimension (or of `model` / `version`) for every message received on it.
///
/// Reading a template never fails; a template the topology loader accepted has no
/// `structuralProblem` and only known placeholder names.
public struct MQTTTopicTemplate: Equatable, Sendable {
    /// One `/`-separated level of a template.
    public enum Level: Equatable, Sendable {
        /// Text the topic level must equal.
        case literal(String)
        /// `{name}`: any one level, captured as `name`.
        case placeholder(String)
        /// `+`: any one level.
        case singleLevelWildcard
        /// `#`: any number of remaining levels, none included; only last.
        case multiLevelWildcard
    }

    /// The template as written.
    public let text: String
    /// Its levels, in order.
    public let levels: [Level]

    /// The template `text`, split into levels.
    public init(_ text: String) {
        self.text = text
        levels = text.split(separator: "/", omittingEmptySubsequences: false).map { level in
            switch level {
            case "+": .singleLevelWildcard
            case "#": .multiLevelWildcard
            case _ where level.count >= 2 && level.first == "{" && level.last == "}"
                && !level.dropFirst().dropLast().contains(where: Self.reserved.contains):
                .placeholder(String(level.dropFirst().dropLast()))
            default: .literal(String(level))
            }
        }
    }

    /// The placeholder names, in order of appearance.
    public var placeholders: [String] {
        levels.compactMap { if case .placeholder(let name) = $0 { name } else { nil } }
    }

    /// The MQTT topic filter to subscribe with: every placeholder becomes `+`.
    public var filter: String {
        levels.map { level in
            switch level {
            case .literal(let text): text
            case .placeholder, .singleLevelWildcard: "+"
            case .multiLevelWildcard: "#"
            }
        }
        .joined(separator: "/")
    }

    /// The placeholder values in `topic` by name, or `nil` when `topic` does not match the template.
    /// As in MQTT, a topic starting with `$` does not match a template starting with a wildcard or placeholder.
    public func values(inTopic topic: String) -> [String: String]? {
        let parts = topic.split(separator: "/", omittingEmptySubsequences: false)
        if topic.hasPrefix("$"), let first = levels.first, first != .literal(String(parts[0])) { return nil }
        var values: [String: String] = [:]
        for (index, level) in levels.enumerated() {
            if level == .multiLevelWildcard { return values }
            guard index < parts.count else { return nil }
            switch level {
            case .literal(let text) where text != parts[index]: return nil
            case .placeholder(let name): values[name] = String(parts[index])
            default: continue
            }
        }
        return parts.count == levels.count ? values : nil
    }

    /// Why this is not a valid template, or `nil` when it is (placeholder names aside).
    var structuralProblem: String? {
        var seen: Set<String> = []
        for (index, level) in levels.enumerated() {
            switch level {
            case .placeholder(""):
                return "'{}' has no name; put a key dimension, model or version between the braces"
            case .placeholder(let name):
                guard seen.insert(name).inserted else { return "placeholder {\(name)} appears twice" }
            case .multiLevelWildcard where index != levels.count - 1:
                return "'#' must be the last level"
            case .literal(let text) where text.contains(where: Self.braces.contains):
                if !Self.bracesBalance(text) { return "unbalanced braces in level '\(text)'" }
                if text.contains(where: Self.wildcards.contains) {
                    return "level '\(text)' mixes a placeholder with a wildcard; a level is a {name} placeholder, "
                        + "+ or # on its own"
                }
                return "level '\(text)' has a placeholder inside other text; a {name} placeholder must fill "
                    + "a whole level"
            case .literal(let text) where text.contains(where: Self.wildcards.contains):
                return "level '\(text)' mixes a wildcard with other text; + and # must fill a whole level"
            default:
                continue
            }
        }
        return nil
    }

    private static let braces: Set<Character> = ["{", "}"]
    private static let wildcards: Set<Character> = ["+", "#"]
    private static let reserved = braces.union(wildcards)

    /// Whether every `{` in `text` is closed by a `}` before the next `{`.
    private static func bracesBalance(_ text: String) -> Bool {
        var open = false
        for character in text where braces.contains(character) {
            guard open == (character == "}") else { return false }
            open.toggle()
        }
        return !open
    }
}
